using PortraitBooth.Abstractions.Storage;
using StackExchange.Redis;

namespace PortraitBooth.Host.Distributed;

/// <summary>
/// Generated PNGs in Redis under <c>{prefix}result:{tenant}/{job}/{attempt}/{index}</c> with the result TTL, so
/// any api silo serves any image and images outlive the gpu silo that made them.
/// </summary>
public sealed class RedisResultStore(IConnectionMultiplexer redis, string keyPrefix) : IResultStore
{
    public Task Put(string key, byte[] png, TimeSpan timeToLive, CancellationToken cancellationToken = default) =>
        Database.StringSetAsync(Key(key), png, timeToLive);

    public async Task<byte[]?> Get(string key, CancellationToken cancellationToken = default) => await Database.StringGetAsync(Key(key));

    public Task Delete(string key, CancellationToken cancellationToken = default) => Database.KeyDeleteAsync(Key(key));

    private IDatabase Database => redis.GetDatabase();

    private RedisKey Key(string key) => $"{keyPrefix}result:{StoreKeys.Check(key)}";
}
