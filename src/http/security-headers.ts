/**
 * The security headers on every answer, pages and API alike: helmet, configured explicitly
 * (its defaults change between versions), with a strict Content-Security-Policy. The dashboard
 * loads scripts, styles, fonts and data from Pantau alone, images from Pantau, its own
 * frames (blob:) and the configured map tile server, and live video from its own MediaSource (blob:). A page that needs more is changed to fit
 * the policy; the policy is not loosened for it.
 */
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The CSP source of a tile URL template: its scheme, host and port, with a leading `{s}.`
 * (Leaflet's subdomain) as the `*.` wildcard; null for a path on Pantau itself ('self' covers it).
 */
export function tileSource(tileUrl: string): string | null {
  const origin = /^(https?:\/\/[^/]+)\//.exec(tileUrl)?.[1];
  return origin ? origin.replace('//{s}.', '//*.') : null;
}

export function securityHeaders(map: { tileUrl: string }): RequestHandler {
  const tiles = tileSource(map.tileUrl);
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // No inline script, no eval, no event-handler attributes: injected markup cannot run.
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        // Styles set through the CSSOM (el.style.x, as Leaflet does) are allowed; style="" in markup and <style> are not.
        styleSrc: ["'self'"],
        // blob: carries the camera frames (object URLs of the JPEGs from the socket); data: is
        // Leaflet's blank tile (a GIF it swaps into every removed tile, not configurable) and the
        // small images Vite inlines into leaflet.css. Neither can run script.
        imgSrc: ["'self'", 'blob:', 'data:', ...(tiles ? [tiles] : [])],
        // Live video plays from a MediaSource, which a <video> can only take as a blob: URL
        // (the fragments come over the socket, not from a URL); a blob: is made by our own script.
        mediaSrc: ["'self'", 'blob:'],
        // 'self' covers the socket.io WebSocket on the same host (ws: and wss:) too.
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        manifestSrc: ["'self'"],
        workerSrc: ["'self'"],
        frameSrc: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // No upgrade-insecure-requests: Pantau is often reached over plain HTTP on an office LAN,
        // where upgrading its own requests to HTTPS would break every page.
      },
    },
    crossOriginEmbedderPolicy: false, // require-corp would refuse the tile server's images
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    originAgentCluster: true,
    // The acknowledge link's token is in its path: never send it to another site.
    referrerPolicy: { policy: 'same-origin' },
    // Browsers heed it only over HTTPS; Pantau speaks for its own host, not its parent domain's others.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
    xContentTypeOptions: true,
    xDnsPrefetchControl: { allow: false },
    xDownloadOptions: true,
    xFrameOptions: { action: 'deny' },
    xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
    xPoweredBy: true,
    xXssProtection: true,
  });
}
