import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { liveTopics } from '@shop/events';
import { graphqlRequest } from '@shop/testing';
import { seedData } from '@shop/seed';
import { UpdatePriceDocument } from '../../clients/generated/operations';
import { signInAdmin } from './support/shop';
import { untilListening } from './support/live';
import { artifactsDir, startBrowserStack } from './support/browser-stack';
import type { RunningStack } from './support/test-stack';

/** Screenshots of every step, kept after the run (gitignored). */
const ARTIFACTS = artifactsDir('storefront');
const BROWSER_STEP_MS = 30_000;

const repriced = seedData.products.find((candidate) => candidate.slug === 'scholar-15-laptop')!;

describe('GraphiQL in a browser, served by the router', () => {
  let stack: RunningStack;
  let browser: Browser;
  let page: Page;
  const origin = () => new URL(stack.router.url).origin;
  const screenshot = (step: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${step}.png`), fullPage: true });

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack(ARTIFACTS));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  beforeEach(async () => {
    page = await browser.newPage();
    page.setDefaultTimeout(BROWSER_STEP_MS);
  });
  afterEach(() => page.close());

  it('shows a product page at once and its reviews when their deferred part arrives', async () => {
    const reviewed = seedData.reviews[0]!;
    const reviewedProduct = seedData.products.find(({ id }) => id === reviewed.productId)!;
    const author = seedData.users.find(({ id }) => id === reviewed.authorId)!;
    const productPage = page.waitForResponse(
      (response) =>
        response.url().endsWith('/graphql') &&
        (response.request().postData() ?? '').includes('"operationName":"ProductPage"'),
    );
    await page.goto(`${origin()}/products/${reviewedProduct.id}`);
    await page.getByRole('heading', { name: reviewedProduct.name }).waitFor();
    const reviews = page.getByTestId('reviews');
    await reviews.getByText(author.name).first().waitFor();
    await screenshot('10-product-reviews-deferred');

    // Apollo Client asked for incremental delivery; the reviews came in a part of their own.
    const response = await productPage;
    expect(response.headers()['content-type']).toBe(
      'multipart/mixed;boundary="graphql";deferSpec=20220824',
    );
    const parts = (await response.text())
      .split('\r\n--graphql')
      .flatMap((part) => (part.includes('{') ? [JSON.parse(part.slice(part.indexOf('{')))] : []));
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatchObject({
      data: { product: { name: reviewedProduct.name } },
      hasNext: true,
    });
    expect(parts[0].data.product.reviews).toBeUndefined();
    expect(parts[1]).toMatchObject({
      incremental: [
        { label: 'reviews', path: ['product'], data: { reviews: { edges: expect.any(Array) } } },
      ],
      hasNext: false,
    });
  }, 60_000);

  it('serves GraphiQL at /graphiql, bundled, and runs a query from the browser', async () => {
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(origin())) outside.push(request.url());
    });
    await page.goto(`${origin()}/graphiql`);
    await page.locator('.graphiql-container').waitFor();
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.result-window').filter({ hasText: '"inStock"' }).waitFor();
    await screenshot('09-graphiql');
    expect(outside).toEqual([]);
  }, 60_000);

  it('opens the explorer at /graphql with the network to the outside cut, and answers a query', async () => {
    const cut: string[] = [];
    await page.route('**/*', async (route) => {
      if (new URL(route.request().url()).hostname === '127.0.0.1') return route.continue();
      cut.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    // What a browser sends for an address typed in: Accept starts with text/html.
    await page.goto(`${origin()}/graphql`);
    await page.locator('.graphiql-container').waitFor();
    // Apollo Sandbox stays one click away for those online.
    const sandbox = page.getByRole('link', { name: 'Open in Apollo Sandbox (online)' });
    expect(await sandbox.getAttribute('href')).toBe(
      `https://studio.apollographql.com/sandbox/explorer?endpoint=${encodeURIComponent(stack.router.url)}`,
    );
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.result-window').filter({ hasText: '"inStock"' }).waitFor();
    await screenshot('11-graphql-offline');
    // Nothing was asked of the outside world: the page needs only its own origin.
    expect(cut).toEqual([]);
  }, 60_000);

  it('runs a subscription from /graphiql over graphql-ws and shows its events', async () => {
    const subscription = `subscription WatchPrice { priceChanged(productId: "${repriced.id}") { id price { amount } } }`;
    await page.goto(`${origin()}/graphiql?${new URLSearchParams({ query: subscription })}`);
    // Run only once the editor holds the subscription: a click before GraphiQL has loaded it
    // (a busy machine) starts nothing, and no subscriber ever appears.
    await page.locator('.graphiql-query-editor').filter({ hasText: 'WatchPrice' }).waitFor();
    await page.locator('.graphiql-execute-button').click();
    await untilListening(stack, liveTopics.priceChanged(repriced.id));

    const updated = await graphqlRequest(
      stack.router.url,
      UpdatePriceDocument,
      { productId: repriced.id, price: { amount: 12_345, currency: 'USD' } },
      await signInAdmin(stack.router.url),
    );
    expect(updated.errors).toBeUndefined();
    await page.locator('.result-window').filter({ hasText: '12345' }).waitFor();
    await screenshot('10-graphiql-subscription');
  }, 60_000);
});
