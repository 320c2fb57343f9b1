/**
 * Report categories and departments (behaviour as data, migrations/0010): what the report form
 * offers, in Greek and English, with each category's extra questions.
 */
import { CategoryListSchema, CategoryParamsSchema, CategorySchema, DepartmentListSchema, type Category } from '../../../../lib/categories.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import { createRouter, defineRoute, errorResponses, jsonResponse } from '../../http/router.ts';
import { listCategories, type CategoryRow } from '../incidents/incidents.sql.ts';

export function categoryJson(c: CategoryRow): Category {
  return {
    id: c.id,
    serviceCode: c.service_code,
    name: { el: c.name_el, en: c.name_en },
    description: { el: c.description_el, en: c.description_en },
    group: { el: c.group_el, en: c.group_en },
    keywords: c.keywords,
    department: { id: c.department_id, name: { el: c.department_name_el, en: c.department_name_en } },
    snapLayers: c.snap_layers,
    snapRadiusM: c.snap_radius_m,
    slaHours: c.sla_hours,
    sensitive: c.sensitive,
    duplicateRadiusM: c.duplicate_radius_m,
    duplicateDays: c.duplicate_days,
    questions: c.extra_questions.map((q) => ({
      code: q.code,
      datatype: q.datatype,
      required: q.required,
      order: q.order,
      description: { el: q.description_el, en: q.description_en },
      values: (q.values ?? []).map((v) => ({ key: v.key, name: { el: v.name_el, en: v.name_en } })),
    })),
  };
}

const tags = ['incidents'];

const list = defineRoute({
  method: 'get',
  path: '/categories',
  summary: 'Report categories (el/en names, department, asset layers and radius, SLA, Open311 code, questions, sensitive)',
  tags,
  responses: { 200: jsonResponse(CategoryListSchema, 'the active categories, in the form’s order') },
});

const one = defineRoute({
  method: 'get',
  path: '/categories/{id}',
  summary: 'One category',
  tags,
  request: { params: CategoryParamsSchema },
  responses: { 200: jsonResponse(CategorySchema, 'the category'), ...errorResponses(404) },
});

const departments = defineRoute({
  method: 'get',
  path: '/departments',
  summary: 'Departments',
  tags,
  responses: { 200: jsonResponse(DepartmentListSchema, 'every department') },
});

export function categoriesRoutes({ sql }: AppDeps) {
  const app = createRouter();
  app.openapi(list, async (c) => {
    const rows = await listCategories(sql, { activeOnly: true });
    c.header('Cache-Control', 'public, max-age=60');
    return c.json({ categories: rows.map(categoryJson) }, 200);
  });
  app.openapi(one, async (c) => {
    const { id } = c.req.valid('param');
    const row = (await listCategories(sql, { activeOnly: true })).find((r) => r.id === id);
    if (!row) throw notFound(`no category ${id}`);
    return c.json(categoryJson(row), 200);
  });
  app.openapi(departments, async (c) => {
    const rows = await sql<{ id: string; name_el: string; name_en: string }[]>`select id, name_el, name_en from departments order by id`;
    return c.json({ departments: rows.map((d) => ({ id: d.id, name: { el: d.name_el, en: d.name_en } })) }, 200);
  });
  return app;
}
