import {
  BadUserInputError,
  placeholderImageUrl,
  PLACEHOLDER_SIZE,
  trimmedText,
} from '@shop/platform';
import type { ProductImageInput } from './product-image.type';

/** The most pictures a product may have. */
export const MAX_IMAGES = 10;
const MAX_URL_LENGTH = 2000;
const MAX_SIDE = 10_000;

/** An image row without its product: what validation yields and writes store. */
export interface ImageData {
  position: number;
  url: string;
  alt: string;
  width: number;
  height: number;
}

/**
 * A product's own illustration until an ADMIN gives it pictures: drawn by the
 * router from the product's name and category, so it needs no file.
 */
export function placeholderImage(name: string, categoryName: string): ImageData {
  return {
    position: 0,
    url: placeholderImageUrl({ title: name, subtitle: categoryName, ...PLACEHOLDER_SIZE }),
    alt: `${name} (placeholder illustration)`,
    ...PLACEHOLDER_SIZE,
  };
}

/**
 * The pictures as given, in order, or BAD_USER_INPUT naming the first wrong
 * field. A URL is https (or http) or a path on the store's own origin, never a
 * javascript: or data: URL a client would put into a page.
 */
export function validImages(images: readonly ProductImageInput[]): ImageData[] {
  if (images.length > MAX_IMAGES) {
    throw new BadUserInputError(`A product has at most ${MAX_IMAGES} images`, { field: 'images' });
  }
  return images.map((image, position) => {
    const field = `images.${position}`;
    const url = trimmedText(image.url, `${field}.url`, 1, MAX_URL_LENGTH);
    if (!isServableUrl(url)) {
      throw new BadUserInputError(`${field}.url must be an http(s) URL or a path starting with /`, {
        field: `${field}.url`,
      });
    }
    for (const side of ['width', 'height'] as const) {
      const value = image[side];
      if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE) {
        throw new BadUserInputError(`${field}.${side} must be 1 to ${MAX_SIDE} pixels`, {
          field: `${field}.${side}`,
        });
      }
    }
    return {
      position,
      url,
      alt: trimmedText(image.alt, `${field}.alt`, 1, 300),
      width: image.width,
      height: image.height,
    };
  });
}

function isServableUrl(url: string): boolean {
  if (url.startsWith('/')) return !url.startsWith('//');
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
