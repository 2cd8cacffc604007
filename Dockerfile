# Multi-stage build of the relay. Runs as a non-root user and listens on $PORT (default 3000).
# The relay is published with Native AOT: one native executable, no .NET runtime in the final image,
# start-up to the first connection in ~0.1 s (docs/performance.md). Built for linux-x64.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Native AOT compiles and links with clang.
RUN apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/SfaMirror.Server/SfaMirror.Server.csproj src/SfaMirror.Server/
RUN dotnet restore src/SfaMirror.Server/SfaMirror.Server.csproj -r linux-x64
COPY src/SfaMirror.Server/ src/SfaMirror.Server/
# The separate debug symbols (SfaMirror.Server.dbg, ~40 MB) stay out of the image.
RUN dotnet publish src/SfaMirror.Server -c Release -r linux-x64 -o /out --no-restore && rm -f /out/*.dbg

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime
WORKDIR /app
COPY --from=build /out ./
ENV PORT=3000 \
    DOTNET_gcServer=0
EXPOSE 3000
# The image's built-in unprivileged user.
USER app
ENTRYPOINT ["./SfaMirror.Server"]
