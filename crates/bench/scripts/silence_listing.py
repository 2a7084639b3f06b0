# Ingest is done by `load ingest`; this creates 10,000 silences modelled on
# real alerts (70 % pod+alertname equality, 20 % finite regex over two pods +
# cluster, 10 % namespace + severity!=critical) and times GET /api/v2/alerts.
import http.client, json, sys, time, datetime
port = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", port)
c.request("GET", "/api/v2/alerts"); alerts = json.loads(c.getresponse().read())
print("alerts:", len(alerts))
now = datetime.datetime.now(datetime.timezone.utc)
end = (now + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
start = now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
def m(n, v, regex=False, eq=True): return {"name": n, "value": v, "isRegex": regex, "isEqual": eq}
for i in range(10000):
    a = alerts[(i * 7) % len(alerts)]["labels"]; b = alerts[(i * 7 + 1) % len(alerts)]["labels"]
    if i % 10 < 7: ms = [m("pod", a["pod"]), m("alertname", a["alertname"])]
    elif i % 10 < 9: ms = [m("pod", f'{a["pod"]}|{b["pod"]}', True), m("cluster", a["cluster"])]
    else: ms = [m("namespace", a["namespace"]), m("alertname", a["alertname"]), m("severity", "critical", eq=False)]
    body = json.dumps({"matchers": ms, "startsAt": start, "endsAt": end, "createdBy": "bench", "comment": "maintenance"})
    c.request("POST", "/api/v2/silences", body, {"Content-Type": "application/json"}); r = c.getresponse(); r.read()
    assert r.status == 200, r.status
times = []
for _ in range(5):
    t = time.time(); c.request("GET", "/api/v2/alerts"); body = c.getresponse().read(); times.append(time.time() - t)
data = json.loads(body)
print("silenced alerts:", sum(1 for x in data if x["status"]["silencedBy"]), "max silencedBy:", max(len(x["status"]["silencedBy"]) for x in data), "bytes:", len(body))
print("GET /api/v2/alerts seconds:", ", ".join(f"{x:.3f}" for x in times), "median", sorted(times)[2])
