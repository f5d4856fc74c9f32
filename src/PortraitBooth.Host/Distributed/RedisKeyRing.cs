using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using StackExchange.Redis;

namespace PortraitBooth.Host.Distributed;

/// <summary>
/// ASP.NET Core's data-protection key ring in Redis (list <c>{prefix}dataprotection-keys</c>, one XML key per entry):
/// the dashboard's sign-in cookie and antiforgery tokens issued by one api silo must open on every other.
/// </summary>
public sealed class RedisKeyRing(IConnectionMultiplexer redis, string keyPrefix) : IXmlRepository
{
    private RedisKey Key => $"{keyPrefix}dataprotection-keys";

    public IReadOnlyCollection<XElement> GetAllElements() =>
        redis.GetDatabase().ListRange(Key).Select(entry => XElement.Parse((string)entry!)).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        redis.GetDatabase().ListRightPush(Key, element.ToString(SaveOptions.DisableFormatting));
}
