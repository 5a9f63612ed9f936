export interface Image {
  url: string;
  alt: string;
  width: number;
  height: number;
}

/** A product picture at its own aspect ratio, scaled to the box it is given, loaded when near. */
export function ProductImage({ image, className }: { image?: Image; className?: string }) {
  if (!image) return <div className={`product-image missing ${className ?? ''}`} aria-hidden />;
  return (
    <img
      className={`product-image ${className ?? ''}`}
      src={image.url}
      alt={image.alt}
      width={image.width}
      height={image.height}
      loading="lazy"
    />
  );
}
