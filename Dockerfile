# Multi-stage build of the relay. Runs as a non-root user and listens on $PORT (default 3000).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/SfaMirror.Server/SfaMirror.Server.csproj src/SfaMirror.Server/
RUN dotnet restore src/SfaMirror.Server/SfaMirror.Server.csproj
COPY src/SfaMirror.Server/ src/SfaMirror.Server/
RUN dotnet publish src/SfaMirror.Server -c Release -o /out --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /out ./
ENV PORT=3000 \
    DOTNET_gcServer=0
EXPOSE 3000
# The image's built-in unprivileged user.
USER app
ENTRYPOINT ["dotnet", "SfaMirror.Server.dll"]
