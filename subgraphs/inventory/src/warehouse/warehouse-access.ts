import { requireAdminOrService, type BaseContext } from '@shop/federation';

/**
 * Warehouses and what each holds are the store's own business: ADMINs see
 * them, and services acting for the system. One rule for every path to them
 * (the warehouse list, a product's per-warehouse stock, warehouse
 * references), so each refuses the same callers with the same code:
 * UNAUTHENTICATED anonymously, FORBIDDEN to customers. The router enforces
 * the directive before planning; the guard holds for calls around it.
 */
export const WAREHOUSE_ACCESS_DIRECTIVE = '@requiresScopes(scopes: [["admin"]])';

export function requireWarehouseAccess(identity: BaseContext['identity']): void {
  requireAdminOrService(identity);
}
