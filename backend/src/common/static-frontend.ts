import { existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { loadConfig } from '../config';

/** Paths the backend answers itself; everything else may be a page or an asset of the browser app. */
const BACKEND_PATHS = /^\/(api|socket\.io|health|metrics)(\/|$)/;

/**
 * The board is exported once, for the placeholder id `_` (Next's static export cannot know workflow ids at build
 * time); any real id is served the placeholder's files, and the page reads the id from the address bar.
 */
const BOARD_PATH = /^\/workflows\/[^/._]+/;

/** Where `next build` put the static export: `TANDEM_FRONTEND_DIR`, or `frontend/out` next to the working dir. */
export function findFrontendDir(): string | undefined {
  const candidates = [loadConfig().frontendDir, resolve('frontend/out'), resolve('../frontend/out')];
  return candidates.find((dir): dir is string => !!dir && existsSync(join(dir, 'index.html')));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The file a request path maps to (`/login` → `login.html`, `/` → `index.html`), or undefined. */
export function resolvePage(root: string, urlPath: string): string | undefined {
  const decoded = decodeURIComponent(urlPath).replace(BOARD_PATH, '/workflows/_');
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  const base = join(root, relative);
  if (base !== root && !base.startsWith(root + sep)) return undefined;
  const trimmed = base.replace(/[/\\]+$/, '');
  return [base, `${trimmed}.html`, join(base, 'index.html')].find(isFile);
}

/**
 * Express middleware serving the browser app from one process and one origin, so the session cookie and
 * Socket.IO need no CORS. Unknown pages get the app's 404 page.
 */
export function staticFrontend(root: string) {
  const notFound = join(root, '404.html');
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || BACKEND_PATHS.test(req.path)) return next();
    let file: string | undefined;
    try {
      file = resolvePage(root, req.path);
    } catch {
      return next(); // malformed percent-encoding: let the API's 404 answer
    }
    if (file) {
      const immutable = req.path.startsWith('/_next/static/');
      res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return res.sendFile(file);
    }
    if (isFile(notFound)) return void res.status(404).sendFile(notFound);
    next();
  };
}
