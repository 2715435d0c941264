/** Small role checks shared by the use cases. */
import { forbidden } from '../errors.js';
import type { Principal } from './auth.js';

export function forbiddenUnlessAdmin(principal: Principal, why: string): void {
  if (principal.user.role !== 'admin') throw forbidden(why);
}
