import { useMutation, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import {
  CategoriesDocument,
  UpdateProductDocument,
  type ProductImageInput,
} from '../../../generated/operations';
import { errorMessage } from '../format';
import { ProductImage } from '../ProductImage';

interface EditedProduct {
  id: string;
  name: string;
  description: string;
  category: { id: string };
  images: ProductImageInput[];
}

/** A new picture starts as the router's placeholder illustration of the product. */
function placeholderImage(name: string): ProductImageInput {
  const query = new URLSearchParams({ title: name, w: '640', h: '480' });
  return { url: `/images/placeholder.svg?${query}`, alt: name, width: 640, height: 480 };
}

/** Name, description, category and pictures, saved together with updateProduct. */
export function ProductDetailsForm({ product }: { product: EditedProduct }) {
  const categories = useQuery(CategoriesDocument);
  const [update, updated] = useMutation(UpdateProductDocument);
  const [name, setName] = useState(product.name);
  const [description, setDescription] = useState(product.description);
  const [categoryId, setCategoryId] = useState(product.category.id);
  const [images, setImages] = useState<ProductImageInput[]>(() =>
    product.images.map(({ url, alt, width, height }) => ({ url, alt, width, height })),
  );
  const setImage = (index: number, change: Partial<ProductImageInput>) =>
    setImages(images.map((image, at) => (at === index ? { ...image, ...change } : image)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update({
      variables: { productId: product.id, input: { name, description, categoryId, images } },
    }).catch(() => undefined);
  };
  return (
    <form className="panel" onSubmit={submit} aria-label="Details">
      <h2>Details</h2>
      <label>
        Name
        <input required value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <label>
        Description
        <textarea
          required
          rows={4}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
      </label>
      <label>
        Category
        <select value={categoryId} onChange={(event) => setCategoryId(event.target.value)}>
          {(categories.data?.categories ?? [{ ...product.category, name: '…' }]).map((category) => (
            <option key={category.id} value={category.id}>
              {category.name}
            </option>
          ))}
        </select>
      </label>
      <h3>Images</h3>
      <ol className="image-rows">
        {images.map((image, index) => (
          <li key={index}>
            <ProductImage image={image} className="thumb" />
            <label>
              URL
              <input
                required
                value={image.url}
                onChange={(event) => setImage(index, { url: event.target.value })}
              />
            </label>
            <label>
              Alt text
              <input
                required
                value={image.alt}
                onChange={(event) => setImage(index, { alt: event.target.value })}
              />
            </label>
            <button type="button" onClick={() => setImages(images.filter((_, at) => at !== index))}>
              Remove image
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => setImages([...images, placeholderImage(name)])}>
        Add image
      </button>{' '}
      <button type="submit" disabled={updated.loading}>
        Save details
      </button>
      {updated.error && <p role="alert">{errorMessage(updated.error)}</p>}
      {updated.data && !updated.loading && <p role="status">Saved.</p>}
    </form>
  );
}
