import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password.ts';
import { ROLES } from './roles.ts';

const email = z.string().trim().toLowerCase().max(254).regex(/^[^@\s]+@[^@\s]+$/, 'not an email address');
const departmentId = z.string().regex(/^[a-z][a-z0-9_]{1,62}$/);

/** Login keeps the length caps loose on the way in only up to MAX_PASSWORD_LENGTH: no hashing of huge inputs (A1). */
export const LoginSchema = z.strictObject({
  email: z.string().max(254),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

export const NewPassword = z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH);

export const CreateUserSchema = z.strictObject({
  email,
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
  departmentId: departmentId.nullable().default(null),
  password: NewPassword,
});

export const PatchUserSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    role: z.enum(ROLES).optional(),
    departmentId: departmentId.nullable().optional(),
    disabled: z.boolean().optional(),
    password: NewPassword.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');

export const ChangePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  newPassword: NewPassword,
});

export function normaliseEmail(s: string): string {
  return s.trim().toLowerCase();
}
