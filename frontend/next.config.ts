import type { NextConfig } from 'next';

/**
 * Built as a static export that the backend serves from the same origin (one process, one URL, the session
 * cookie just works). In `next dev`, /api and /socket.io are proxied to a backend on TANDEM_BACKEND_URL.
 */
const backend = process.env.TANDEM_BACKEND_URL ?? 'http://127.0.0.1:3000';
const isDev = process.env.NODE_ENV === 'development';

const config: NextConfig = isDev
  ? {
      async rewrites() {
        return [
          { source: '/api/:path*', destination: `${backend}/api/:path*` },
          { source: '/socket.io/:path*', destination: `${backend}/socket.io/:path*` },
        ];
      },
    }
  : { output: 'export', images: { unoptimized: true } };

export default config;
