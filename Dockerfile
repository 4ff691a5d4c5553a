# untangle: the Slack bot for blameless root-cause analysis.
#
#   docker build -t untangle --build-arg VERSION=v1.0.0 .
#   docker run -d --name untangle -v untangle-data:/data \
#     -e SLACK_BOT_TOKEN_FILE=/run/secrets/bot -e SLACK_APP_TOKEN_FILE=/run/secrets/app untangle
#
# See docs/operations.md.

# ---- build: CGO is needed by github.com/mattn/go-sqlite3 ----
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN CGO_ENABLED=1 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/untangle ./cmd/untangle \
 && UNTANGLE_CACHE_DIR=/out/cache /out/untangle version \
 && mkdir -p /out/data

# ---- fonts: pictures draw every script with the first font that has each
# character. Debian's Noto Sans (regular and bold) covers Arabic, Hebrew,
# Devanagari, Cyrillic, Greek and many more, Noto Sans CJK covers Chinese,
# Japanese and Korean, and Symbola draws emoji in outline (colour bitmap emoji
# fonts cannot be rasterised). About 65 MB.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-core fonts-noto-cjk fonts-symbola \
 && mkdir -p /out/fonts \
 && cp /usr/share/fonts/truetype/noto/NotoSans*-Regular.ttf /usr/share/fonts/truetype/noto/NotoSans*-Bold.ttf \
       /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc \
       /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf /out/fonts/ \
 && rm -rf /var/lib/apt/lists/*

# ---- runtime: glibc, CA certificates and tzdata, no shell, user nonroot (65532) ----
FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/untangle /usr/local/bin/untangle
COPY --from=build /out/fonts /usr/share/fonts/untangle
COPY --from=build --chown=65532:65532 /out/data /data
# go-graphviz compiles its WebAssembly when any untangle process starts
# (about a second and 25 MB without a cache). The build above warmed the
# compiled cache; every command, the HEALTHCHECK included, starts from it.
COPY --from=build --chown=65532:65532 /out/cache /var/cache/untangle
ENV UNTANGLE_DB=/data/untangle.db \
    UNTANGLE_HTTP_ADDR=:8080 \
    UNTANGLE_CACHE_DIR=/var/cache/untangle \
    TMPDIR=/tmp
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/untangle", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/untangle", "serve"]
