// The fixed data of the gateway benchmark, the sizes of the public one
// (graphql-hive/graphql-gateways-benchmark, "federation"): 6 users, 9
// products, 11 reviews, review texts of about 150 to 1,000 characters. The
// federated subgraphs and the plain reference schema both answer from this
// module, so the two can only differ by how they are executed.

export const users = [
  { id: '1', name: 'Mira Castell', username: 'mira', birthday: 631152000 },
  { id: '2', name: 'Oskar Lindqvist', username: 'oskar', birthday: 662688000 },
  { id: '3', name: 'Priya Raman', username: 'priya', birthday: 694224000 },
  { id: '4', name: 'Tomasz Wolny', username: 'tomasz', birthday: 725846400 },
  { id: '5', name: 'Amara Obi', username: 'amara', birthday: 757382400 },
  { id: '6', name: 'Lucien Marchand', username: 'lucien', birthday: 788918400 },
];

/** Catalogue data (the products subgraph's). */
export const products = [
  { upc: '1', name: 'Oak Desk', price: 899, weight: 100 },
  { upc: '2', name: 'Corner Sofa', price: 1299, weight: 1000 },
  { upc: '3', name: 'Water Glass', price: 15, weight: 20 },
  { upc: '4', name: 'Desk Chair', price: 499, weight: 100 },
  { upc: '5', name: 'Wall Screen', price: 1299, weight: 1000 },
  { upc: '6', name: 'Floor Lamp', price: 6999, weight: 300 },
  { upc: '7', name: 'Kettle Grill', price: 3999, weight: 2000 },
  { upc: '8', name: 'Tall Fridge', price: 100000, weight: 6000 },
  { upc: '9', name: 'Day Bed', price: 9999, weight: 800 },
];

/** Stock data (the inventory subgraph's). */
const IN_STOCK = new Set(['1', '5', '6', '7', '9']);

/** Orders above this price ship free. */
const FREE_SHIPPING_ABOVE = 1000;

const PHRASE =
  'Arrived on time and well packed; it does what the listing promised and the finish holds up after weeks of daily use. ';

/** A review text of `length` characters, distinct per review. */
function reviewBody(id, length) {
  const text = `Review ${id}. ${PHRASE.repeat(Math.ceil(length / PHRASE.length))}`;
  return text.slice(0, length).trimEnd();
}

/** [id, product upc, author id, body length] */
export const reviews = [
  ['1', '1', '1', 450],
  ['2', '1', '2', 300],
  ['3', '1', '3', 280],
  ['4', '1', '4', 140],
  ['5', '2', '5', 450],
  ['6', '2', '6', 300],
  ['7', '2', '1', 280],
  ['8', '2', '2', 140],
  ['9', '3', '3', 140],
  ['10', '4', '4', 140],
  ['11', '4', '5', 1000],
].map(([id, productUpc, authorId, length]) => ({
  id,
  productUpc,
  authorId,
  body: reviewBody(id, length),
}));

export const userById = (id) => users.find((user) => user.id === id);
export const productByUpc = (upc) => products.find((product) => product.upc === upc);
export const reviewById = (id) => reviews.find((review) => review.id === id);
export const reviewsOfProduct = (upc) => reviews.filter((review) => review.productUpc === upc);
export const reviewsByAuthor = (id) => reviews.filter((review) => review.authorId === id);
export const topProducts = (first) => products.slice(0, first);
export const inStock = (upc) => IN_STOCK.has(upc);
/** The signed-in user of the `me` field: there is no sign-in, the first user is always it. */
export const me = () => users[0];

/** Free above FREE_SHIPPING_ABOVE, otherwise half the weight; unknown without a price. */
export function shippingEstimate({ price, weight }) {
  if (price == null) return null;
  if (price > FREE_SHIPPING_ABOVE) return 0;
  return weight == null ? null : Math.round(weight / 2);
}
