import { seedId } from './ids';

export { seedId } from './ids';
export { SEED_TRANSACTION } from './seed-transaction';

// Each subgraph seeds only its own tables from this module. Ids are derived from stable keys
// (slugs, emails, codes), so references across subgraph databases line up without coordination.

export interface SeedMoney {
  readonly amount: number; // minor units (cents)
  readonly currency: 'USD';
}

export interface SeedCategory {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly parentId: string | null;
}

export interface SeedProduct {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly description: string;
  readonly categoryId: string;
  readonly price: SeedMoney;
}

export interface SeedUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: 'CUSTOMER' | 'ADMIN';
  readonly password: string;
}

export interface SeedWarehouse {
  readonly id: string;
  readonly name: string;
  readonly code: string;
}

export interface SeedStock {
  readonly productId: string;
  readonly warehouseId: string;
  readonly onHand: number;
}

export interface SeedOrderItem {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPrice: SeedMoney;
}

export interface SeedDeliveredOrder {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: string;
  readonly items: readonly SeedOrderItem[];
}

export interface SeedReview {
  readonly id: string;
  readonly productId: string;
  readonly authorId: string;
  readonly rating: 1 | 2 | 3 | 4 | 5;
  readonly title: string | null;
  readonly body: string;
  readonly createdAt: string;
}

export interface SeedAddress {
  readonly id: string;
  readonly userId: string;
  readonly line1: string;
  readonly line2: string | null;
  readonly city: string;
  readonly postalCode: string;
  /** ISO 3166-1 alpha-2 */
  readonly country: string;
  readonly isDefault: true;
}

/** A card already tokenized by the processor: never a number or a CVC. */
export interface SeedPaymentMethod {
  readonly id: string;
  readonly userId: string;
  readonly token: string;
  readonly brand: 'VISA' | 'MASTERCARD' | 'AMEX';
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

export interface SeedData {
  readonly categories: readonly SeedCategory[];
  readonly products: readonly SeedProduct[];
  readonly users: readonly SeedUser[];
  readonly warehouses: readonly SeedWarehouse[];
  readonly stock: readonly SeedStock[];
  readonly deliveredOrders: readonly SeedDeliveredOrder[];
  readonly reviews: readonly SeedReview[];
  readonly addresses: readonly SeedAddress[];
  readonly paymentMethods: readonly SeedPaymentMethod[];
}

/** The admin is created from configuration by the users subgraph; this keeps its id predictable. */
export function seedAdminId(email: string): string {
  return seedId('user', email);
}

// ---------------------------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------------------------

function category(slug: string, name: string, parentSlug: string | null): SeedCategory {
  return {
    id: seedId('category', slug),
    name,
    slug,
    parentId: parentSlug === null ? null : seedId('category', parentSlug),
  };
}

export const categories: readonly SeedCategory[] = [
  category('electronics', 'Electronics', null),
  category('laptops', 'Laptops', 'electronics'),
  category('phones', 'Phones', 'electronics'),
  category('audio', 'Audio', 'electronics'),
  category('home-kitchen', 'Home & Kitchen', null),
  category('cookware', 'Cookware', 'home-kitchen'),
  category('coffee-tea', 'Coffee & Tea', 'home-kitchen'),
  category('sports-outdoors', 'Sports & Outdoors', null),
  category('running', 'Running', 'sports-outdoors'),
  category('camping', 'Camping', 'sports-outdoors'),
  category('cycling', 'Cycling', 'sports-outdoors'),
];

// ---------------------------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------------------------

function usd(amount: number): SeedMoney {
  return { amount, currency: 'USD' };
}

function product(
  slug: string,
  name: string,
  categorySlug: string,
  cents: number,
  description: string,
): SeedProduct {
  return {
    id: seedId('product', slug),
    name,
    slug,
    description,
    categoryId: seedId('category', categorySlug),
    price: usd(cents),
  };
}

export const products: readonly SeedProduct[] = [
  // Laptops
  product(
    'aurora-14-ultrabook',
    'Aurora 14 Ultrabook',
    'laptops',
    129900,
    'A 14-inch aluminium ultrabook with a 2.8K display and all-day battery. At 1.2 kg it disappears into a backpack.',
  ),
  product(
    'forge-16-pro-workstation',
    'Forge 16 Pro Workstation',
    'laptops',
    249900,
    'Sixteen-inch workstation with a 12-core processor and 32 GB of memory for compiling, rendering and virtual machines.',
  ),
  product(
    'nimbus-13-cloudbook',
    'Nimbus 13 Cloudbook',
    'laptops',
    42900,
    'A lightweight 13-inch laptop that boots in seconds. Ideal for browsing, email and video calls.',
  ),
  product(
    'titan-17-gaming-laptop',
    'Titan 17 Gaming Laptop',
    'laptops',
    189900,
    'A 240 Hz display, per-key RGB keyboard and a vapor-chamber cooler that stays quiet under load.',
  ),
  product(
    'scholar-15-laptop',
    'Scholar 15 Laptop',
    'laptops',
    64900,
    'Dependable 15-inch laptop for school and the home office, with a full-size keyboard and numeric pad.',
  ),
  product(
    'flip-12-convertible',
    'Flip 12 Convertible',
    'laptops',
    79900,
    'A 2-in-1 that folds into a tablet. Includes a pressure-sensitive stylus for notes and sketches.',
  ),
  // Phones
  product(
    'orbit-x-smartphone',
    'Orbit X Smartphone',
    'phones',
    99900,
    'A 6.7-inch OLED flagship with a triple camera and wireless charging. Rated IP68 waterproof to 6 m for 30 minutes.',
  ),
  product(
    'orbit-mini-smartphone',
    'Orbit Mini Smartphone',
    'phones',
    69900,
    'A compact 5.8-inch phone that fits comfortably in one hand without giving up the flagship camera.',
  ),
  product(
    'pulse-lite-smartphone',
    'Pulse Lite Smartphone',
    'phones',
    24900,
    'Budget-friendly phone with a two-day battery and a headphone jack. Gets security updates for five years.',
  ),
  product(
    'rugged-r5-outdoor-phone',
    'Rugged R5 Outdoor Phone',
    'phones',
    44900,
    'Drop-tested shell, waterproof to 2 m and a glove-friendly screen for building sites and mountain trails.',
  ),
  product(
    'magsnap-wireless-charger',
    'MagSnap Wireless Charger',
    'phones',
    3900,
    'A 15 W magnetic wireless charging pad that snaps onto the back of your phone and stays put on the nightstand.',
  ),
  product(
    'clearshield-phone-case',
    'Clearshield Phone Case',
    'phones',
    1900,
    'Slim shock-absorbing case with raised edges that protect the camera and screen from drops.',
  ),
  // Audio
  product(
    'hush-700-headphones',
    'Hush 700 Noise-Cancelling Headphones',
    'audio',
    34900,
    'Over-ear wireless headphones with adaptive noise cancelling and 30 hours of playback. Folds flat for travel.',
  ),
  product(
    'stride-wireless-earbuds',
    'Stride Wireless Earbuds',
    'audio',
    12900,
    'Sweat-resistant wireless earbuds with ear hooks that stay put while running, cycling or lifting.',
  ),
  product(
    'boombox-go-speaker',
    'Boombox Go Bluetooth Speaker',
    'audio',
    7900,
    'A waterproof portable speaker that floats. Twelve hours of battery for the beach, the pool or the campsite.',
  ),
  product(
    'studio-monitor-pair',
    'Studio Monitor Pair',
    'audio',
    29900,
    'Bookshelf-sized active monitors with a flat frequency response for mixing music and editing podcasts.',
  ),
  product(
    'vinyl-one-turntable',
    'Vinyl One Turntable',
    'audio',
    24900,
    'Belt-drive turntable with a built-in phono preamp, so it plugs straight into powered speakers.',
  ),
  product(
    'podcaster-usb-microphone',
    'Podcaster USB Microphone',
    'audio',
    11900,
    'Cardioid condenser microphone with a zero-latency headphone output and a tap-to-mute button.',
  ),
  // Cookware
  product(
    'everyday-stainless-skillet',
    'Everyday Stainless Skillet 28 cm',
    'cookware',
    5900,
    'Tri-ply stainless steel frying pan that goes from hob to oven. Dishwasher safe and induction ready.',
  ),
  product(
    'cast-iron-dutch-oven',
    'Cast Iron Dutch Oven 5 L',
    'cookware',
    8900,
    'Enamelled cast iron for slow braises, hearty stews and crusty no-knead bread.',
  ),
  product(
    'ceramic-nonstick-saucepan-set',
    'Ceramic Nonstick Saucepan Set',
    'cookware',
    7900,
    'Three saucepans with glass lids and a PFAS-free ceramic nonstick coating that releases eggs effortlessly.',
  ),
  product(
    'forged-chefs-knife',
    "Forged Chef's Knife 20 cm",
    'cookware',
    6900,
    'Forged stainless steel blade with a full tang, sharpened to 15 degrees per side for clean, precise cuts.',
  ),
  product(
    'bamboo-cutting-board',
    'Bamboo Cutting Board',
    'cookware',
    2900,
    'End-grain bamboo board that is gentle on knife edges, with a deep juice groove around the rim.',
  ),
  product(
    'stainless-stockpot-12l',
    'Stainless Steel Stockpot 12 L',
    'cookware',
    6400,
    'A tall stockpot for bone broth, pasta for a crowd and summer canning. Encapsulated base spreads heat evenly.',
  ),
  // Coffee & Tea
  product(
    'precision-pour-over-kettle',
    'Precision Pour-Over Kettle',
    'coffee-tea',
    6900,
    'Gooseneck kettle with temperature control to the degree, made for pour-over coffee and delicate green tea.',
  ),
  product(
    'barista-espresso-machine',
    'Barista Espresso Machine',
    'coffee-tea',
    44900,
    'A 15-bar espresso machine with a built-in grinder and a steam wand that makes silky microfoam.',
  ),
  product(
    'conical-burr-grinder',
    'Conical Burr Coffee Grinder',
    'coffee-tea',
    12900,
    'Hardened steel conical burrs and 40 grind settings, from fine espresso to coarse cold brew.',
  ),
  product(
    'double-wall-french-press',
    'Double-Wall French Press 1 L',
    'coffee-tea',
    3400,
    'Double-walled stainless steel press that keeps coffee hot for an hour. No glass to break.',
  ),
  product(
    'loose-leaf-tea-sampler',
    'Loose Leaf Tea Sampler',
    'coffee-tea',
    2400,
    'Twelve single-origin teas, from smoky lapsang souchong to grassy sencha, with brewing notes for each.',
  ),
  product(
    'insulated-travel-mug',
    'Insulated Travel Mug',
    'coffee-tea',
    2900,
    'Vacuum-insulated stainless mug with a leak-proof lid. Keeps drinks hot for six hours on the commute.',
  ),
  // Running
  product(
    'trail-runner-3-shoes',
    'Trail Runner 3 Shoes',
    'running',
    13900,
    'Grippy lugged outsole and a rock plate for technical trails. A waterproof membrane keeps feet dry in mud.',
  ),
  product(
    'road-run-daily-trainers',
    'Road Run Daily Trainers',
    'running',
    11900,
    'Cushioned everyday trainers for easy miles and long runs on pavement. Breathable knit upper.',
  ),
  product(
    'merino-running-socks',
    'Merino Running Socks (3 Pack)',
    'running',
    2400,
    'Breathable merino blend socks with seamless toes to keep blisters away on long running sessions.',
  ),
  product(
    'gps-sports-watch',
    'GPS Sports Watch',
    'running',
    29900,
    'Tracks pace, heart rate and routes with multi-band GPS. A 14-day battery and offline maps for race day.',
  ),
  product(
    'hydration-vest-5l',
    'Hydration Vest 5 L',
    'running',
    8900,
    'Lightweight vest with two soft flasks and bounce-free pockets for ultra and trail running.',
  ),
  product(
    'reflective-running-jacket',
    'Reflective Running Jacket',
    'running',
    9900,
    'Windproof, water-resistant shell with reflective details for dark winter mornings.',
  ),
  // Camping
  product(
    'summit-2-person-tent',
    'Summit 2-Person Tent',
    'camping',
    27900,
    'Freestanding three-season tent with a waterproof fly and two vestibules. Packs down to 1.9 kg.',
  ),
  product(
    'alpine-down-sleeping-bag',
    'Alpine Down Sleeping Bag',
    'camping',
    24900,
    'Responsibly sourced 800-fill down rated to -5 C, with a draft collar for cold alpine nights.',
  ),
  product(
    'self-inflating-sleeping-pad',
    'Self-Inflating Sleeping Pad',
    'camping',
    8900,
    'Open the valve and the foam core inflates itself. Insulated enough for shoulder-season camping.',
  ),
  product(
    'titanium-camp-stove',
    'Titanium Camp Stove',
    'camping',
    5900,
    'Ultralight canister stove that boils a litre of water in under four minutes, even in wind.',
  ),
  product(
    'led-headlamp-400',
    'LED Headlamp 400',
    'camping',
    3900,
    'A 400-lumen rechargeable headlamp with a red night mode. Waterproof to IPX7 for rainy nights.',
  ),
  product(
    'stainless-camp-bottle',
    'Stainless Camp Bottle 1 L',
    'camping',
    2900,
    'Single-wall stainless bottle that can sit straight on a campfire to boil water in an emergency.',
  ),
  // Cycling
  product(
    'commuter-hybrid-bike',
    'Commuter Hybrid Bike',
    'cycling',
    69900,
    'Aluminium frame, hydraulic disc brakes and mudguard mounts for year-round commuting in any weather.',
  ),
  product(
    'aero-road-helmet',
    'Aero Road Helmet',
    'cycling',
    14900,
    'Wind-tunnel-shaped helmet with a rotational-impact liner and magnetic buckle.',
  ),
  product(
    'clip-on-bike-light-set',
    'Clip-On Bike Light Set',
    'cycling',
    3900,
    'USB-rechargeable front and rear lights, visible from 500 m, that clip on without tools.',
  ),
  product(
    'waterproof-cycling-jacket',
    'Waterproof Cycling Jacket',
    'cycling',
    12900,
    'Taped seams and a dropped tail keep road spray off on wet rides. Packs into its own pocket.',
  ),
  product(
    'bike-repair-multi-tool',
    'Bike Repair Multi-Tool',
    'cycling',
    2400,
    'Nineteen functions including a chain breaker and spoke keys, in a pocket-sized steel body.',
  ),
  product(
    'smart-indoor-trainer',
    'Smart Indoor Trainer',
    'cycling',
    59900,
    'Direct-drive trainer that adjusts resistance wirelessly to match virtual climbs. Quiet enough for flats.',
  ),
];

const productsBySlug = new Map(products.map((p) => [p.slug, p]));

export function productBySlug(slug: string): SeedProduct | undefined {
  return productsBySlug.get(slug);
}

// Fails at module load, so a typo in the order or review tables can never ship silently.
function requireProduct(slug: string): SeedProduct {
  const found = productsBySlug.get(slug);
  if (!found) throw new Error(`@shop/seed: unknown product slug "${slug}"`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Users (customers only; the admin comes from configuration, see seedAdminId)
// ---------------------------------------------------------------------------------------------

const CUSTOMER_PASSWORD = 'customer-dev-password';

function customer(email: string, name: string): SeedUser {
  return { id: seedId('user', email), email, name, role: 'CUSTOMER', password: CUSTOMER_PASSWORD };
}

export const users: readonly SeedUser[] = [
  customer('ada@shop.local', 'Ada Lovelace'),
  customer('grace@shop.local', 'Grace Hopper'),
  customer('alan@shop.local', 'Alan Turing'),
  customer('katherine@shop.local', 'Katherine Johnson'),
];

function userIdOf(email: string): string {
  if (!users.some((u) => u.email === email)) throw new Error(`@shop/seed: unknown user "${email}"`);
  return seedId('user', email);
}

// ---------------------------------------------------------------------------------------------
// Warehouses and stock
// ---------------------------------------------------------------------------------------------

export const warehouses: readonly SeedWarehouse[] = [
  { id: seedId('warehouse', 'BER'), name: 'Berlin Central', code: 'BER' },
  { id: seedId('warehouse', 'LYS'), name: 'Lyon South', code: 'LYS' },
  { id: seedId('warehouse', 'EWR'), name: 'Newark East', code: 'EWR' },
];

// Derived from the product index rather than random so every run seeds identical quantities.
// Every 12th product (offset 5) is sold out and every 12th (offset 9) is nearly sold out, which
// gives the inventory and search subgraphs real inStock=false and low-stock cases to show.
function stockFor(index: number, productId: string): SeedStock[] {
  const warehouseAt = (offset: number): SeedWarehouse => {
    const w = warehouses[(index + offset) % warehouses.length];
    if (!w) throw new Error('@shop/seed: warehouse index out of range');
    return w;
  };
  if (index % 12 === 5) {
    // A zero row rather than no row: the product was stocked once and has sold out.
    return [{ productId, warehouseId: warehouseAt(0).id, onHand: 0 }];
  }
  if (index % 12 === 9) {
    return [{ productId, warehouseId: warehouseAt(0).id, onHand: 1 + (index % 5) }];
  }
  const warehouseCount = 1 + (index % warehouses.length);
  return Array.from({ length: warehouseCount }, (_, offset) => ({
    productId,
    warehouseId: warehouseAt(offset).id,
    onHand: 6 + ((index * 17 + offset * 23) % 55),
  }));
}

export const stock: readonly SeedStock[] = products.flatMap((p, index) => stockFor(index, p.id));

// ---------------------------------------------------------------------------------------------
// Delivered orders and verified-purchase reviews
// ---------------------------------------------------------------------------------------------

function deliveredOrder(
  key: string,
  email: string,
  createdAt: string,
  lines: readonly (readonly [slug: string, quantity: number])[],
): SeedDeliveredOrder {
  return {
    id: seedId('order', key),
    userId: userIdOf(email),
    createdAt,
    items: lines.map(([slug, quantity]) => {
      const p = requireProduct(slug);
      return { productId: p.id, quantity, unitPrice: p.price };
    }),
  };
}

export const deliveredOrders: readonly SeedDeliveredOrder[] = [
  deliveredOrder('ada-1', 'ada@shop.local', '2026-01-08T10:15:00.000Z', [
    ['aurora-14-ultrabook', 1],
    ['hush-700-headphones', 1],
  ]),
  deliveredOrder('grace-1', 'grace@shop.local', '2026-01-20T09:05:00.000Z', [
    ['barista-espresso-machine', 1],
    ['conical-burr-grinder', 1],
    ['precision-pour-over-kettle', 1],
  ]),
  deliveredOrder('alan-1', 'alan@shop.local', '2026-02-03T16:20:00.000Z', [
    ['orbit-x-smartphone', 1],
    ['magsnap-wireless-charger', 1],
    ['stride-wireless-earbuds', 1],
  ]),
  deliveredOrder('ada-2', 'ada@shop.local', '2026-02-14T18:40:00.000Z', [
    ['trail-runner-3-shoes', 1],
    ['merino-running-socks', 2],
    ['gps-sports-watch', 1],
  ]),
  deliveredOrder('katherine-1', 'katherine@shop.local', '2026-02-25T08:45:00.000Z', [
    ['commuter-hybrid-bike', 1],
    ['aero-road-helmet', 1],
    ['waterproof-cycling-jacket', 1],
    ['everyday-stainless-skillet', 1],
  ]),
  deliveredOrder('grace-2', 'grace@shop.local', '2026-03-02T12:30:00.000Z', [
    ['summit-2-person-tent', 1],
    ['led-headlamp-400', 2],
    ['titanium-camp-stove', 1],
  ]),
];

function review(
  email: string,
  slug: string,
  rating: SeedReview['rating'],
  title: string | null,
  body: string,
  createdAt: string,
): SeedReview {
  return {
    id: seedId('review', `${email}:${slug}`),
    productId: requireProduct(slug).id,
    authorId: userIdOf(email),
    rating,
    title,
    body,
    createdAt,
  };
}

export const reviews: readonly SeedReview[] = [
  review(
    'ada@shop.local',
    'aurora-14-ultrabook',
    5,
    'Light and fast',
    'Battery easily lasts a full working day and the screen is gorgeous. The keyboard took a day to get used to.',
    '2026-01-19T20:10:00.000Z',
  ),
  review(
    'ada@shop.local',
    'hush-700-headphones',
    4,
    null,
    'Noise cancelling is excellent on trains. They get a little warm after a couple of hours.',
    '2026-01-22T07:45:00.000Z',
  ),
  review(
    'grace@shop.local',
    'barista-espresso-machine',
    5,
    'Café quality at home',
    'Took a few tries to dial in the grind, but now every shot is consistent and the steam wand is powerful.',
    '2026-02-01T08:30:00.000Z',
  ),
  review(
    'grace@shop.local',
    'conical-burr-grinder',
    3,
    'Good, but loud',
    'Grind quality is even across settings. It is noticeably louder than I expected for the price.',
    '2026-02-01T08:40:00.000Z',
  ),
  review(
    'grace@shop.local',
    'precision-pour-over-kettle',
    4,
    null,
    'Holds temperature well and the gooseneck pours precisely. Wish the base cable were longer.',
    '2026-02-04T09:00:00.000Z',
  ),
  review(
    'alan@shop.local',
    'orbit-x-smartphone',
    4,
    'Great camera',
    'Photos in low light are impressive. Battery gets through a day, but only just with heavy use.',
    '2026-02-16T21:05:00.000Z',
  ),
  review(
    'alan@shop.local',
    'magsnap-wireless-charger',
    1,
    'Stopped working',
    'Charged fine for a week, then the phone would only connect intermittently. Returning it.',
    '2026-02-18T11:20:00.000Z',
  ),
  review(
    'alan@shop.local',
    'stride-wireless-earbuds',
    3,
    null,
    'They really do stay in during a run. Sound is fine; call quality in wind is poor.',
    '2026-02-20T06:50:00.000Z',
  ),
  review(
    'ada@shop.local',
    'trail-runner-3-shoes',
    5,
    'Best trail shoes I have owned',
    'Grip on wet rock is superb and my feet stayed dry through a muddy half marathon.',
    '2026-03-01T17:25:00.000Z',
  ),
  review(
    'ada@shop.local',
    'merino-running-socks',
    4,
    'Comfortable',
    'No blisters after a 30 km week. One pair already shows wear at the heel.',
    '2026-03-03T18:00:00.000Z',
  ),
  review(
    'katherine@shop.local',
    'commuter-hybrid-bike',
    5,
    'Perfect commuter',
    'Brakes are confident in the rain and the upright position is easy on the back. Assembly took 20 minutes.',
    '2026-03-08T19:15:00.000Z',
  ),
  review(
    'katherine@shop.local',
    'aero-road-helmet',
    4,
    null,
    'Comfortable and well ventilated. The magnetic buckle is easy to use with gloves.',
    '2026-03-09T07:30:00.000Z',
  ),
  review(
    'katherine@shop.local',
    'waterproof-cycling-jacket',
    2,
    'Not as waterproof as claimed',
    'Fine in drizzle, but after an hour of heavy rain the shoulders soaked through.',
    '2026-03-12T18:45:00.000Z',
  ),
  review(
    'grace@shop.local',
    'summit-2-person-tent',
    5,
    'Pitches in minutes',
    'Survived a stormy night on the ridge completely dry. Plenty of room for two and the gear.',
    '2026-03-16T10:00:00.000Z',
  ),
  review(
    'grace@shop.local',
    'led-headlamp-400',
    2,
    null,
    'Bright enough, but the strap slips and the button is easy to press by accident in a pack.',
    '2026-03-17T10:20:00.000Z',
  ),
];

const streets: Record<string, readonly [string, string, string, string]> = {
  'ada@shop.local': ['12 Byron Terrace', 'London', 'NW1 6XE', 'GB'],
  'grace@shop.local': ['300 Navy Yard Road', 'Arlington', '22202', 'US'],
  'alan@shop.local': ['5 Bletchley Park Lane', 'Milton Keynes', 'MK3 6EB', 'GB'],
  'katherine@shop.local': ['47 Langley Avenue', 'Hampton', '23681', 'US'],
};

/** One default shipping address per customer; orders copy it at checkout. */
export const addresses: readonly SeedAddress[] = users.map((user) => {
  const [line1, city, postalCode, country] = streets[user.email] ?? [
    '1 Main Street',
    'Springfield',
    '00001',
    'US',
  ];
  return {
    id: seedId('address', user.email),
    userId: user.id,
    line1,
    line2: null,
    city,
    postalCode,
    country,
    isDefault: true,
  };
});

/** One saved card per customer (the approving test card), as the processor's token. */
export const paymentMethods: readonly SeedPaymentMethod[] = users.map((user) => ({
  id: seedId('payment-method', user.email),
  userId: user.id,
  token: `tok_seed_${seedId('card-token', user.email).replace(/-/g, '')}`,
  brand: 'VISA',
  last4: '4242',
  expMonth: 12,
  expYear: 2030,
}));

export const seedData: SeedData = {
  categories,
  products,
  users,
  warehouses,
  stock,
  deliveredOrders,
  reviews,
  addresses,
  paymentMethods,
};
