/**
 * Staff roles and what each may see and change. Department scope is the per-object rule of
 * issue 4: staff of one department cannot change another department's incidents or work orders
 * unless their role reaches across departments.
 */
export const ROLES = ['admin', 'dispatcher', 'technician', 'crew', 'civil_protection', 'approver', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** `all`: every department; `department`: the user's own; `assigned`: objects the user is on. */
export type Scope = 'all' | 'department' | 'assigned' | 'none';

export interface RolePolicy {
  read: Scope;
  write: Scope;
}

/**
 * Behaviour as data. Dispatchers route work between departments, so they read and write all.
 * Civil protection, approvers and viewers read all and write none (approvers verify finished
 * work through the transition table, which is checked separately).
 */
export const ROLE_POLICY: Record<Role, RolePolicy> = {
  admin: { read: 'all', write: 'all' },
  dispatcher: { read: 'all', write: 'all' },
  technician: { read: 'department', write: 'department' },
  crew: { read: 'assigned', write: 'assigned' },
  civil_protection: { read: 'all', write: 'none' },
  approver: { read: 'all', write: 'none' },
  viewer: { read: 'all', write: 'none' },
};
