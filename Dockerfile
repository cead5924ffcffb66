# A minimal image: the static (musl) fireside binary on an empty base.
#
#   docker build -t fireside .
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/site" fireside build
#   docker run --rm -p 1111:1111 -v "$PWD:/site" fireside serve --bind 0.0.0.0
#
# Nothing else is needed at run time: time zones, the theme and the TLS roots
# for `check --external` are compiled into the binary.

FROM rust:1-alpine AS build
# musl-dev: the C parts of the dependencies (ring, blake3) link against musl.
# git: build.rs names the commit in --version (when .git is in the context).
RUN apk add --no-cache musl-dev git
WORKDIR /src
COPY . .
# Static by default on Alpine's musl target; --remap-path-prefix keeps the
# build folder out of the binary.
RUN RUSTFLAGS="--remap-path-prefix=/src=." cargo build --release --locked \
 && strip target/release/fireside \
 && ./target/release/fireside --version

FROM scratch
COPY --from=build /src/target/release/fireside /fireside
WORKDIR /site
EXPOSE 1111
ENTRYPOINT ["/fireside"]
CMD ["--help"]
