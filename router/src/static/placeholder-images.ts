import {
  parsePlaceholderImage,
  renderPlaceholderSvg,
  sendGraphQLError,
  type RouteHandler,
} from '@shop/platform';

/**
 * GET /images/placeholder.svg?title=…&subtitle=…&w=…&h=…: the illustration
 * that URL describes, drawn on request (the products subgraph writes such
 * URLs). The same URL always draws the same picture, so it may be cached for good.
 */
export const servePlaceholderImage: RouteHandler = (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendGraphQLError(res, 405, `${req.method} is not served here`, 'METHOD_NOT_ALLOWED');
    return;
  }
  const url = req.url ?? '';
  const queryStart = url.indexOf('?');
  const image = parsePlaceholderImage(queryStart === -1 ? '' : url.slice(queryStart));
  if (!image) {
    sendGraphQLError(res, 400, 'A placeholder needs a title, w and h (16..2000)', 'BAD_REQUEST');
    return;
  }
  const body = Buffer.from(renderPlaceholderSvg(image));
  res.writeHead(200, {
    'content-type': 'image/svg+xml',
    'content-length': body.length,
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    // An SVG opened on its own is a document: it may run nothing and load nothing.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(req.method === 'HEAD' ? undefined : body);
};
