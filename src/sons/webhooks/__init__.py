"""Webhooks for suppliers' software, and the change feed.

- `models`: an organisation's subscriptions (URL, event kinds, signing secret), one delivery per (event,
  subscription), each attempt of a delivery (the delivery log);
- `services`: what the portal and the API do with them (make, rotate the secret, disable, enable, delete,
  replay), scoped to the caller's organisation;
- `deliveries`: the fan-out (in the event's transaction) and the delivery jobs, with backoff over 24 h;
- `signing`: the Standard Webhooks signature; `safety`: which URLs and addresses may be called; `sending`: one
  HTTP attempt, cut off at 10 s and 64 KB;
- `feed`: the organisation's events as a cursor (GET /api/v1/events?after=…).
"""
