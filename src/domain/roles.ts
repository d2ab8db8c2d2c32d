/** Who uses Gengaku (API.md, "Roles"). */
export const ROLES = ['admin', 'support', 'finance', 'customer'] as const;
export type Role = (typeof ROLES)[number];
