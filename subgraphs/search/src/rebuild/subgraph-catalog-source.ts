import type { ProductSnapshot } from '@shop/events';
import { IDENTITY_HEADER, IdentitySigner, type Identity } from '@shop/identity';
import type { CatalogSource } from './catalog-source';

/** How the search subgraph identifies itself to the subgraphs it reads. */
const SEARCH_SERVICE: Identity = { kind: 'service', service: 'search', scopes: ['catalog:read'] };

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

/** Reads the catalogue from the products and inventory subgraphs over GraphQL. */
export class SubgraphCatalogSource implements CatalogSource {
  private readonly pageSize: number;
  private readonly timeoutMs: number;
  private readonly signer: IdentitySigner;

  constructor(private readonly options: SubgraphCatalogOptions) {
    this.pageSize = options.pageSize ?? 100;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.signer = new IdentitySigner(options.identitySecret);
  }

  async *products(): AsyncIterable<ProductSnapshot[]> {
    let after: string | null = null;
    do {
      const data: ProductsData = await this.request<ProductsData>(
        'products',
        this.options.productsUrl,
        PRODUCTS_QUERY,
        { first: this.pageSize, after },
      );
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
      const { _entities: entities } = await this.request<StockData>(
        'inventory',
        this.options.inventoryUrl,
        STOCK_QUERY,
        { representations: batch.map((id) => ({ __typename: 'Product', id })) },
      );
      for (const entity of entities) if (entity) stock.set(entity.id, entity.inventory.inStock);
    }
    return stock;
  }

  /** `subgraph` names the one at `url`: the identity is signed for it, the only one accepting it. */
  private async request<Data>(
    subgraph: string,
    url: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<Data> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          // Signed per request: a signature is only accepted for seconds.
          [IDENTITY_HEADER]: this.signer.sign(SEARCH_SERVICE, subgraph),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      // fetch says only "fetch failed"; the reason (refused, timed out, ...) is its cause.
      const reason = error instanceof Error ? (error.cause ?? error) : error;
      throw new CatalogSourceError(
        `${url} could not be reached: ${reason instanceof Error ? reason.message : String(reason)}`,
      );
    }
    let body: { data?: Data | null; errors?: { message: string }[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new CatalogSourceError(`${url} answered ${response.status} without JSON`);
    }
    if (body.errors?.length || !body.data) {
      const messages = body.errors?.map((error) => error.message).join('; ') ?? 'no data';
      throw new CatalogSourceError(`${url} answered ${response.status}: ${messages}`);
    }
    return body.data;
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
