import { parse, print } from 'graphql';
import {
  graphqlRequest,
  prepareTestDatabase,
  queryTestDatabase,
  testSubgraphSettings,
  ADMIN_IDENTITY,
  identityHeaders,
} from '@shop/testing';
import { seedData } from '@shop/seed';
import { startSearchSubgraph } from '@shop/search';
import { Prisma } from '../src/db';
import { suggestionsQuery } from '../src/suggestion/suggestion.service';

type Running = Awaited<ReturnType<typeof startSearchSubgraph>>;

interface SearchPage {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  facets: {
    categories: { category: { id: string }; count: number }[];
    priceRanges: { min: number; max: number | null; count: number }[];
    inStock: { value: boolean; count: number }[];
  };
}

interface CorpusDocument {
  id: string;
  name: string;
  description: string;
  categoryId: string;
  price: number;
  inStock: boolean;
}

// A small corpus of its own, in categories the seed does not use, tagged with a word
// ("quasar") that no seed product contains, so expected results are computed from it alone.
const categoryA = '0c0ffee0-0000-4000-8000-00000000000a';
const categoryB = '0c0ffee0-0000-4000-8000-00000000000b';
const doc = (
  n: number,
  name: string,
  description: string,
  categoryId: string,
  price: number,
  inStock: boolean,
) => ({
  id: `0c0ffee0-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`,
  name,
  description,
  categoryId,
  price,
  inStock,
});
const corpus: CorpusDocument[] = [
  doc(1, 'Run Quasar Jacket', 'A light shell for cold mornings.', categoryA, 1500, true),
  doc(
    2,
    'Trail Bottle',
    'The quasar bottle holds water while the pack runs smoothly.',
    categoryA,
    3000,
    false,
  ),
  doc(3, 'Quasar Running Belt', 'Carries keys and gels.', categoryB, 7000, true),
  doc(4, 'Desk Lamp', 'A lamp as bright as a quasar.', categoryB, 30000, true),
  doc(5, 'Quasar Chair', 'Folding seat for the campsite.', categoryA, 12000, false),
  doc(6, 'Quasar Stool', 'Folding stool.', categoryB, 2500, false),
  doc(7, 'Quasar Tent', 'Two-person tent.', categoryA, 25000, true),
  doc(8, 'Quasar Mug', 'Enamel mug.', categoryA, 2499, true),
];
const nameMatches = new Set(corpus.filter((d) => /quasar/i.test(d.name)).map((d) => d.id));

/** The facets the subgraph should answer for these documents, computed independently. */
function expectedFacets(docs: CorpusDocument[]) {
  const countBy = <Key>(keyOf: (d: CorpusDocument) => Key) => {
    const counts = new Map<Key, number>();
    for (const d of docs) counts.set(keyOf(d), (counts.get(keyOf(d)) ?? 0) + 1);
    return counts;
  };
  const ranges: [number, number | null][] = [
    [0, 2500],
    [2500, 5000],
    [5000, 10000],
    [10000, 25000],
    [25000, null],
  ];
  const rangeOf = (price: number) =>
    ranges.findIndex(([min, max]) => price >= min && (max === null || price < max));
  const byRange = countBy((d) => rangeOf(d.price));
  return {
    categories: [...countBy((d) => d.categoryId)]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([id, count]) => ({ category: { id }, count })),
    priceRanges: ranges
      .map(([min, max], index) => ({ min, max, count: byRange.get(index) ?? 0 }))
      .filter((range) => range.count > 0),
    inStock: [true, false]
      .map((value) => ({ value, count: docs.filter((d) => d.inStock === value).length }))
      .filter((facet) => facet.count > 0),
  };
}

const SEARCH = `query($query: String!, $filter: SearchFilter, $first: Int!, $after: String) {
  search(query: $query, filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
    facets { categories { category { id } count } priceRanges { min max count } inStock { value count } }
  }
}`;

describe('search subgraph (real PostgreSQL)', () => {
  let subgraph: Running;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('search');
    subgraph = await startSearchSubgraph(
      {
        ...testSubgraphSettings(databaseUrl),
      },
      { seed: true },
    );
    for (const d of corpus) {
      await queryTestDatabase(
        databaseUrl,
        `INSERT INTO "SearchDocument" ("productId", "name", "description", "categoryId", "categoryName",
           "priceAmount", "priceCurrency", "inStock", "updatedAt")
         VALUES ($1, $2, $3, $4, $5, $6, 'USD', $7, now())`,
        [
          d.id,
          d.name,
          d.description,
          d.categoryId,
          d.categoryId === categoryA ? 'Corpus A' : 'Corpus B',
          d.price,
          d.inStock,
        ],
      );
    }
  });
  afterAll(() => subgraph.stop());

  const query = (text: string, variables?: Record<string, unknown>) =>
    graphqlRequest(subgraph.url, text, variables, identityHeaders(ADMIN_IDENTITY));

  async function search(variables: {
    query: string;
    first: number;
    filter?: object;
    after?: string | null;
  }) {
    const result = await query(SEARCH, variables);
    expect(result.errors).toBeUndefined();
    return (result.data as { search: SearchPage }).search;
  }

  async function searchAll(variables: { query: string; first: number; filter?: object }) {
    const ids: string[] = [];
    let after: string | null = null;
    // A cursor that fails to move on would loop forever; more pages than documents is a failure.
    for (let pages = 0; pages <= seedData.products.length + corpus.length; pages++) {
      const page = await search({ ...variables, after });
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      ids.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) return ids;
      after = page.pageInfo.endCursor;
    }
    throw new Error('pagination did not end');
  }

  const codeOf = (result: Awaited<ReturnType<typeof query>>) =>
    result.errors?.[0]?.extensions?.code;
  const documentCount = async () =>
    Number(
      (
        await queryTestDatabase<{ count: string }>(
          databaseUrl,
          'SELECT count(*) FROM "SearchDocument"',
        )
      )[0]!.count,
    );

  it('indexes every seed product with its stock flag from the seeded quantities', async () => {
    const rows = await queryTestDatabase<{
      productId: string;
      name: string;
      categoryName: string;
      inStock: boolean;
    }>(
      databaseUrl,
      `SELECT "productId", "name", "categoryName", "inStock" FROM "SearchDocument" WHERE NOT ("productId" = ANY($1::uuid[]))`,
      [corpus.map((d) => d.id)],
    );
    expect(rows).toHaveLength(seedData.products.length);
    const onHand = new Map<string, number>();
    for (const row of seedData.stock)
      onHand.set(row.productId, (onHand.get(row.productId) ?? 0) + row.onHand);
    for (const product of seedData.products) {
      const row = rows.find((candidate) => candidate.productId === product.id);
      expect(row).toEqual({
        productId: product.id,
        name: product.name,
        categoryName: seedData.categories.find((category) => category.id === product.categoryId)!
          .name,
        inStock: (onHand.get(product.id) ?? 0) > 0,
      });
    }
    expect(rows.some((row) => !row.inStock)).toBe(true);
  });

  it('finds seed products by stemmed words', async () => {
    const page = await search({ query: 'laptops', first: 100 });
    const laptops = seedData.products
      .filter((product) => /laptop/i.test(product.name))
      .map((product) => product.id);
    expect(laptops.length).toBeGreaterThan(1);
    expect(page.edges.map((edge) => edge.node.id)).toEqual(expect.arrayContaining(laptops));
  });

  it('stems the query: "running" finds "Run …" and a description saying "runs"', async () => {
    const page = await search({
      query: 'running',
      first: 100,
      filter: { categoryIds: [categoryA, categoryB] },
    });
    const ids = page.edges.map((edge) => edge.node.id);
    expect(new Set(ids)).toEqual(new Set([corpus[0]!.id, corpus[1]!.id, corpus[2]!.id]));
    // Both name matches outrank the description match.
    expect(ids.at(-1)).toBe(corpus[1]!.id);
  });

  it('ranks name matches above description matches, ties by product id', async () => {
    const page = await search({ query: 'quasar', first: 100 });
    const ids = page.edges.map((edge) => edge.node.id);
    expect(new Set(ids)).toEqual(new Set(corpus.map((d) => d.id)));
    const names = ids.filter((id) => nameMatches.has(id));
    const descriptions = ids.filter((id) => !nameMatches.has(id));
    expect(ids).toEqual([...names, ...descriptions]);
    expect(names).toEqual([...names].sort());
    expect(descriptions).toEqual([...descriptions].sort());
  });

  it('computes facets over the whole result set, not the page', async () => {
    const page = await search({ query: 'quasar', first: 1 });
    expect(page.edges).toHaveLength(1);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(corpus.length);
    expect(page.facets).toEqual(expectedFacets(corpus));
    expect(page.facets.priceRanges.map((range) => range.min)).toEqual([
      0, 2500, 5000, 10000, 25000,
    ]);
  });

  /** A filter, and per filter group whether a document passes it (absent: the group does not filter). */
  interface FilterCase {
    filter: Record<string, unknown>;
    category?: (d: CorpusDocument) => boolean;
    price?: (d: CorpusDocument) => boolean;
    stock?: (d: CorpusDocument) => boolean;
  }
  const cases: [string, FilterCase][] = [
    [
      'categoryIds',
      { filter: { categoryIds: [categoryB] }, category: (d) => d.categoryId === categoryB },
    ],
    [
      'price range',
      {
        filter: { minPrice: 2500, maxPrice: 12000 },
        price: (d) => d.price >= 2500 && d.price <= 12000,
      },
    ],
    ['inStock', { filter: { inStock: false }, stock: (d) => !d.inStock }],
    [
      'all at once',
      {
        filter: { categoryIds: [categoryA, 'not-a-uuid'], minPrice: 2000, inStock: true },
        category: (d) => d.categoryId === categoryA,
        price: (d) => d.price >= 2000,
        stock: (d) => d.inStock,
      },
    ],
  ];

  it.each(cases)(
    'narrows edges by %s, each facet group counting what the other groups let through',
    async (_name, { filter, ...groups }) => {
      const passes = (d: CorpusDocument, ...except: (keyof typeof groups)[]) =>
        (Object.keys(groups) as (keyof typeof groups)[])
          .filter((group) => !except.includes(group))
          .every((group) => groups[group]!(d));
      const expected = corpus.filter((d) => passes(d));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(corpus.length);
      const page = await search({ query: 'quasar', first: 100, filter });
      expect(new Set(page.edges.map((edge) => edge.node.id))).toEqual(
        new Set(expected.map((d) => d.id)),
      );
      expect(page.totalCount).toBe(expected.length);
      expect(page.facets).toEqual({
        categories: expectedFacets(corpus.filter((d) => passes(d, 'category'))).categories,
        priceRanges: expectedFacets(corpus.filter((d) => passes(d, 'price'))).priceRanges,
        inStock: expectedFacets(corpus.filter((d) => passes(d, 'stock'))).inStock,
      });
    },
  );

  it('answers no products for unknown category ids, and the categories there are to choose', async () => {
    const page = await search({
      query: 'quasar',
      first: 10,
      filter: { categoryIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(page).toMatchObject({
      totalCount: 0,
      edges: [],
      facets: { categories: expectedFacets(corpus).categories, priceRanges: [], inStock: [] },
    });
  });

  it('paginates by cursor through tied ranks without gaps or repeats', async () => {
    const all = (await search({ query: 'quasar', first: 100 })).edges.map((edge) => edge.node.id);
    for (const first of [1, 3]) expect(await searchAll({ query: 'quasar', first })).toEqual(all);

    const seedAll = (await search({ query: 'steel', first: 100 })).edges.map(
      (edge) => edge.node.id,
    );
    expect(seedAll.length).toBeGreaterThan(3);
    expect(await searchAll({ query: 'steel', first: 2 })).toEqual(seedAll);
  });

  it('answers text without searchable words with an empty result', async () => {
    const page = await search({ query: 'the', first: 10 });
    expect(page).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null },
      facets: { categories: [], priceRanges: [], inStock: [] },
    });
  });

  it('treats SQL-looking input as text', async () => {
    const before = await documentCount();
    for (const text of ["'; DROP TABLE x; --", 'quasar" OR 1=1 --', '!(&|:*)']) {
      await search({ query: text, first: 5 });
    }
    const suggestions = await query(
      'query($prefix: String!) { searchSuggestions(prefix: $prefix) }',
      {
        prefix: '\'; DROP TABLE "SearchDocument"; --',
      },
    );
    expect(suggestions.errors).toBeUndefined();
    expect(await documentCount()).toBe(before);
  });

  it('refuses an empty or overlong query, bad page sizes and bad cursors with BAD_USER_INPUT', async () => {
    const before = await documentCount();
    for (const variables of [
      { query: '', first: 10 },
      { query: '   ', first: 10 },
      { query: 'quasar '.repeat(40), first: 10 },
      { query: 'x'.repeat(100_000), first: 10 },
      { query: 'quasar', first: 101 },
      { query: 'quasar', first: 0 },
      { query: 'quasar', first: 10, after: 'not-a-cursor' },
      { query: 'quasar', first: 10, filter: { minPrice: 500, maxPrice: 100 } },
    ]) {
      const result = await query(SEARCH, variables);
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(result.data).toBeNull();
    }
    expect(await documentCount()).toBe(before);
  });

  describe('searchSuggestions', () => {
    const suggest = async (prefix: string, limit?: number) => {
      const result = await query(
        'query($prefix: String!, $limit: Int) { searchSuggestions(prefix: $prefix, limit: $limit) }',
        {
          prefix,
          limit,
        },
      );
      expect(result.errors).toBeUndefined();
      return (result.data as { searchSuggestions: string[] }).searchSuggestions;
    };

    it('suggests names starting with the prefix first, shortest first, then names with a word starting with it', async () => {
      const expected = [
        'Quasar Mug',
        'Quasar Tent',
        'Quasar Chair',
        'Quasar Stool',
        'Quasar Running Belt',
        'Run Quasar Jacket',
      ];
      expect(await suggest('quas', 20)).toEqual(expected);
      expect(await suggest('  QUAS', 20)).toEqual(expected);
      expect(await suggest('quas')).toEqual(expected.slice(0, 5));
      expect(await suggest('orb')).toEqual(['Orbit X Smartphone', 'Orbit Mini Smartphone']);
    });

    it('matches words inside names, not descriptions', async () => {
      const names = await suggest('smartph', 20);
      const expected = seedData.products
        .filter((product) => /\bsmartph/i.test(product.name))
        .map((product) => product.name);
      expect(new Set(names)).toEqual(new Set(expected));
    });

    it('matches the name prefix as lower(name) LIKE, which the trigram index answers', async () => {
      const plan = await subgraph.db.prisma.$transaction(async (tx) => {
        // The table is too small for the planner to prefer an index on its own.
        await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
        return tx.$queryRaw<{ 'QUERY PLAN': string }[]>(
          Prisma.sql`EXPLAIN ${suggestionsQuery(subgraph.db.schema, 'quas', 5)}`,
        );
      });
      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toMatch(
        /Bitmap Index Scan on "SearchDocument_name_trgm_idx".*\n\s*Index Cond: \(lower\(name\) ~~ 'quas%'/,
      );
    });

    it('takes LIKE wildcards literally', async () => {
      expect(await suggest('_uasar')).toEqual([]);
      expect(await suggest('%')).toEqual([]);
    });

    it('refuses an empty or overlong prefix and limits outside 1..20 with BAD_USER_INPUT', async () => {
      for (const variables of [
        { prefix: '' },
        { prefix: ' ' },
        { prefix: 'q'.repeat(201) },
        { prefix: 'q'.repeat(100_000) },
        { prefix: 'quas', limit: 0 },
        { prefix: 'quas', limit: 21 },
      ]) {
        const result = await query(
          'query($prefix: String!, $limit: Int) { searchSuggestions(prefix: $prefix, limit: $limit) }',
          variables,
        );
        expect(codeOf(result)).toBe('BAD_USER_INPUT');
      }
    });
  });

  it('declares Product and Category as references it does not resolve', async () => {
    const result = await query('{ _service { sdl } }');
    // Through graphql's printer, so the assertions read the schema, not one printer's layout.
    const sdl = print(parse((result.data as { _service: { sdl: string } })._service.sdl));
    expect(sdl).toMatch(/type Product @key\(fields: "id", resolvable: false\)/);
    expect(sdl).toMatch(/type Category @key\(fields: "id", resolvable: false\)/);
  });

  it('keeps its tables in its own schema', async () => {
    const rows = await queryTestDatabase<{ schemaname: string }>(
      databaseUrl,
      `SELECT schemaname FROM pg_tables WHERE tablename = 'SearchDocument'`,
    );
    expect(rows).toEqual([{ schemaname: 'search' }]);
  });
});
