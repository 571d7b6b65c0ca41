# syntax=docker/dockerfile:1
# One build, three images: `backend` (API + Socket.IO + the static frontend; also runs the migrate job),
# `frontend` (nginx serving the static frontend build, falling back to the backends) and `edge` (the nginx in
# front of everything, with nginx/tandem.conf). See docker-compose.yml.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY . .
# npm ci installs exactly what the lock pins and fails when package.json and the lock drift apart.
RUN npm ci --no-audit --no-fund
# `npm run build` builds shared + backend (+ the frontend once its workspace defines a build script).
RUN npm run build && npm run build -w frontend --if-present && mkdir -p frontend/out
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS backend
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# The nodes' shared data folder (audit signing key, checkpoint file): a volume mounted here starts owned by node.
RUN mkdir -p /var/lib/tandem && chown node:node /var/lib/tandem
USER node
EXPOSE 3000
# SIGTERM reaches node directly (exec form): it drains requests and sockets and exits within 10 s.
CMD ["node", "backend/dist/backend/src/main.js"]

FROM nginx:1.27-alpine AS frontend
COPY --from=build /app/frontend/out /usr/share/nginx/html
COPY nginx/frontend.conf /etc/nginx/conf.d/default.conf

FROM nginx:1.27-alpine AS edge
COPY nginx/tandem.conf /etc/nginx/conf.d/default.conf
