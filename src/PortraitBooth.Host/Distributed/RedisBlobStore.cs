using PortraitBooth.Abstractions.Storage;
using StackExchange.Redis;

namespace PortraitBooth.Host.Distributed;

/// <summary>
/// Identity photos in Redis under <c>{prefix}photo:{key}</c> (no TTL: kept until the identity is deleted): the api
/// silo that took the upload and the gpu silo that recomputes φ for another pack are different processes.
/// </summary>
public sealed class RedisBlobStore(IConnectionMultiplexer redis, string keyPrefix) : IBlobStore
{
    public Task Put(string key, byte[] bytes, CancellationToken cancellationToken = default) => Database.StringSetAsync(Key(key), bytes);

    public async Task<byte[]?> Get(string key, CancellationToken cancellationToken = default) => await Database.StringGetAsync(Key(key));

    public Task Delete(string key, CancellationToken cancellationToken = default) => Database.KeyDeleteAsync(Key(key));

    private IDatabase Database => redis.GetDatabase();

    private RedisKey Key(string key) => $"{keyPrefix}photo:{StoreKeys.Check(key)}";
}
