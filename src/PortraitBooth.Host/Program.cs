using PortraitBooth.Host;

// One process: Orleans silo + REST API + (embedded mode) the worker on MassTransit's in-memory transport.
var app = PortraitBoothHost.Build(args);
await app.RunAsync();
