using Orleans.Configuration;

namespace PortraitBooth.Host.Distributed;

/// <summary>
/// A gpu-only silo joins the cluster (it calls grains as a member) but advertises none of PortraitBooth's grain
/// classes in its manifest, so placement never activates a grain there and killing it loses no grain state.
/// </summary>
public static class GrainlessSilo
{
    public static void RemovePortraitBoothGrains(GrainTypeOptions options) =>
        options.Classes.RemoveWhere(type => type.Assembly == typeof(Grains.GrainStorage).Assembly);
}
