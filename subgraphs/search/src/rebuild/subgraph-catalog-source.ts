import type { ProductSnapshot } from '@shop/events';
import { ServiceClient, type ServiceIdentity } from '@shop/federation';
import type { CatalogSource } from './catalog-source';

/** How the search subgraph identifies itself to the subgraphs it reads. */
const SEARCH_SERVICE: ServiceIdentity = {
  kind: 'service',
  service: 'search',
  scopes: ['catalog:read'],
};

const PRODUCTS_QUERY = `query RebuildProducts($first: Int!, $after: String) {
  products(first: $first, after: $after) {
    edges { node { id name slug description price { amount currency } category { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

// The inventory subgraph contributes Product.inventory, so it answers for product references.
const STOCK_QUERY = `query RebuildStock($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Product { id inventory { inStock } } }
}`;

interface ProductNode {
  id: string;
  name: string;
  slug: string;
  description: string;
  price: { amount: number; currency: string };
  category: { id: string; name: string };
}

interface ProductsData {
  products: {
    edges: { node: ProductNode }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

interface StockData {
  _entities: ({ id: string; inventory: { inStock: boolean } } | null)[];
}

export class CatalogSourceError extends Error {
  override readonly name = 'CatalogSourceError';
}

export interface SubgraphCatalogOptions {
  productsUrl: string;
  inventoryUrl: string;
  /** Signs the service identity; the subgraphs refuse requests without one. */
  identitySecret: string;
  /** Products per request, and so product references per inventory request; 1..100. */
  pageSize?: number;
  timeoutMs?: number;
}

/**
 * Reads the catalogue from the products and inventory subgraphs over GraphQL
 * (reads only, so a page whose answer is lost is asked again).
 */
export class SubgraphCatalogSource implements CatalogSource {
  private readonly pageSize: number;
  private readonly client: ServiceClient<'products' | 'inventory'>;

  constructor(options: SubgraphCatalogOptions) {
    this.pageSize = options.pageSize ?? 100;
    this.client = new ServiceClient({
      identity: SEARCH_SERVICE,
      identitySecret: options.identitySecret,
      urls: { products: options.productsUrl, inventory: options.inventoryUrl },
      timeoutMs: options.timeoutMs ?? 30_000,
    });
  }

  async *products(): AsyncIterable<ProductSnapshot[]> {
    let after: string | null = null;
    do {
      const data: ProductsData = await this.client.query<ProductsData>('products', PRODUCTS_QUERY, {
        first: this.pageSize,
        after,
      });
      yield data.products.edges.map(({ node }) => snapshotOf(node));
      const { hasNextPage, endCursor } = data.products.pageInfo;
      if (hasNextPage && !endCursor) {
        throw new CatalogSourceError('The products subgraph has a next page but no cursor to it');
      }
      after = hasNextPage ? endCursor : null;
    } while (after !== null);
  }

  async stockOf(productIds: readonly string[]): Promise<Map<string, boolean>> {
    const stock = new Map<string, boolean>();
    for (let start = 0; start < productIds.length; start += this.pageSize) {
      const batch = productIds.slice(start, start + this.pageSize);
      const { _entities: entities } = await this.client.query<StockData>('inventory', STOCK_QUERY, {
        representations: batch.map((id) => ({ __typename: 'Product', id })),
      });
      for (const entity of entities) if (entity) stock.set(entity.id, entity.inventory.inStock);
    }
    return stock;
  }

  /** Closes the connections to the subgraphs. */
  close(): Promise<void> {
    return this.client.close();
  }
}

function snapshotOf(node: ProductNode): ProductSnapshot {
  return {
    productId: node.id,
    name: node.name,
    slug: node.slug,
    description: node.description,
    categoryId: node.category.id,
    categoryName: node.category.name,
    price: { amount: node.price.amount, currency: node.price.currency },
  };
}
