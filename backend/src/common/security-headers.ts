import helmet from 'helmet';
import type { TandemConfig } from '../config';

/**
 * Security headers from the app itself (not only nginx). The CSP fits the Next.js static export: its pages carry
 * inline bootstrap scripts and styles (hence 'unsafe-inline' for those two, nothing else), images may be data:
 * URLs (the two-factor QR code), and the socket connects to this origin or a configured one.
 */
export function securityHeaders(config: Pick<TandemConfig, 'corsOrigins'>) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:', ...config.corsOrigins],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // The API is also read by agents and dev front-ends on other origins (with CORS), so no CORP/COEP lock-down.
    crossOriginResourcePolicy: false,
    crossOriginEmbedderPolicy: false,
    xFrameOptions: { action: 'deny' },
  });
}
