# capsim as a container image (the Kubernetes sweep in docs/kubernetes.md and deploy/ runs it).
# Build: docker build -t registry.example.com/capsim:0.1.0 .
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# --ignore-scripts: the prepare script (a build) would run before the sources are complete.
RUN npm ci --ignore-scripts && npm run build && npm prune --omit=dev

FROM node:20-slim
WORKDIR /app
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY models ./models
COPY scenarios ./scenarios
COPY schema ./schema
# `capsim` on PATH, as `npm install -g capsim` would put it.
RUN chmod +x dist/cli/main.js && ln -s /app/dist/cli/main.js /usr/local/bin/capsim
USER node
ENTRYPOINT ["capsim"]
