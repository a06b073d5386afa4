# Multi-stage image of the console. Build: docker build -t blazor-aws-console .
# Run against real AWS:   docker run -p 8080:8080 -e Aws__Mode=Aws -v console-data:/app/data blazor-aws-console
# Sandbox against a moto container: add -e Aws__ServiceUrl=http://moto:5005 (the image has no Python, so
# it cannot start moto itself).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY BlazorAwsConsole/BlazorAwsConsole.csproj BlazorAwsConsole/
RUN dotnet restore BlazorAwsConsole/BlazorAwsConsole.csproj
COPY appsettings.json ./
COPY BlazorAwsConsole/ BlazorAwsConsole/
RUN dotnet publish BlazorAwsConsole/BlazorAwsConsole.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    Sandbox__StartMoto=false
VOLUME /app/data
EXPOSE 8080
ENTRYPOINT ["dotnet", "BlazorAwsConsole.dll"]
