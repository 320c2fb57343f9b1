/**
 * The contract of GET /api/categories, /api/categories/{id} and /api/departments: what the report
 * form offers, each category with its department, snapping and extra questions (Open311 attributes).
 */
import { z } from 'zod';
import { NamesSchema } from './names.schema.ts';

export const QUESTION_DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;

export const CategoryQuestionSchema = z.object({
  code: z.string().meta({ description: 'the key of its answer in a report’s `answers`' }),
  datatype: z.enum(QUESTION_DATATYPES),
  required: z.boolean(),
  order: z.number(),
  description: NamesSchema,
  values: z.array(z.object({ key: z.string(), name: NamesSchema })).meta({ description: 'the choices of a single- or multi-value list; empty otherwise' }),
});
export type CategoryQuestion = z.infer<typeof CategoryQuestionSchema>;

export const DepartmentSchema = z.object({ id: z.string(), name: NamesSchema });
export type Department = z.infer<typeof DepartmentSchema>;

export const CategorySchema = z.object({
  id: z.string().meta({ description: 'the `category` of a report' }),
  serviceCode: z.string().meta({ description: 'Open311 service_code' }),
  name: NamesSchema,
  description: NamesSchema,
  group: NamesSchema,
  keywords: z.array(z.string()),
  department: DepartmentSchema,
  snapLayers: z.array(z.string()).meta({ description: 'asset layers a report of this category is linked to (nearest asset)' }),
  snapRadiusM: z.number().meta({ description: 'how far the nearest asset may be, in metres' }),
  slaHours: z.number(),
  sensitive: z.boolean().meta({ description: 'published without description or photos, at a ~200 m grid point' }),
  duplicateRadiusM: z.number().meta({ description: 'radius of the form’s "already reported?" check' }),
  duplicateDays: z.number(),
  questions: z.array(CategoryQuestionSchema),
});
export type Category = z.infer<typeof CategorySchema>;

export const CategoryListSchema = z.object({ categories: z.array(CategorySchema) });
export const CategoryParamsSchema = z.object({ id: z.string().meta({ description: 'category id' }) });
export const DepartmentListSchema = z.object({ departments: z.array(DepartmentSchema) });
export type CategoryList = z.infer<typeof CategoryListSchema>;
export type DepartmentList = z.infer<typeof DepartmentListSchema>;
