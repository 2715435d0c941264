# Pantau server image: Debian's ffmpeg, the compiled server and the built dashboard.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Memory: a heap cap (raise PANTAU_HEAP_MB past ~13 000 cameras; Pantau warns at start when it
# is small) and two malloc arenas; without them 10 000 cameras peaked at 460 MB RSS, with them
# ~265; 8 MB semi-spaces instead of V8's 16 take 14-18 MB more off at the same CPU
# (BENCHMARKS.md, issue 16, sixth round).
ENV NODE_ENV=production PANTAU_DATA_DIR=/data PANTAU_HEAP_MB=160 MALLOC_ARENA_MAX=2
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/config ./config
RUN mkdir -p /data && chown node:node /data
VOLUME /data
EXPOSE 8080
USER node
CMD ["sh", "-c", "exec node --max-old-space-size=${PANTAU_HEAP_MB} --max-semi-space-size=8 dist/main.js"]
