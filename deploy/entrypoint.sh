#!/bin/sh
# Other silos reach this one at its container address: advertise it unless configured (replicas get their own).
if [ -z "${PortraitBooth__Distributed__AdvertisedAddress:-}" ]; then
  PortraitBooth__Distributed__AdvertisedAddress=$(hostname -i | cut -d' ' -f1)
  export PortraitBooth__Distributed__AdvertisedAddress
fi
exec dotnet /app/portraitbooth-host.dll "$@"
