/**
 * The answers of staff sign-in and account administration (api/src/modules/auth): the server
 * documents them with these schemas and the web's sign-in and staff list are typed by them. The
 * request bodies stay with the module (auth.schema.ts), beside the password rules and roles.
 */
import { z } from 'zod';

const time = z.string().meta({ description: 'ISO 8601 time' });

/** The signed-in staff member, as GET /api/auth/me answers. */
export const StaffMemberSchema = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  role: z.string().meta({ description: 'admin, dispatcher, technician, crew, civil_protection, approver or viewer' }),
  departmentId: z.string().nullable(),
});
export type StaffMember = z.infer<typeof StaffMemberSchema>;
export const MeSchema = z.object({ user: StaffMemberSchema });

/** A staff account, as sign-in and the account administration answer. */
export const StaffAccountSchema = StaffMemberSchema.extend({
  disabled: z.boolean(),
  lastLoginAt: time.nullable(),
  createdAt: time,
});
export type StaffAccount = z.infer<typeof StaffAccountSchema>;
export const AccountResponseSchema = z.object({ user: StaffAccountSchema });
export const AccountListSchema = z.object({ users: z.array(StaffAccountSchema) });

/** A positive integer id; anything else is 400 `invalid_id`. */
export const UserIdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^\d{1,15}$/)
    .refine((v) => Number(v) >= 1)
    .meta({ description: 'user id, a positive integer' }),
});
