"""Writes odd-but-valid CRM folders (see sweep-odd-worlds.sh): every command must handle them."""
import csv, os, random, sys, datetime as dt

def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f); w.writerow(header); w.writerows(rows)

def world(out, seed=1, stages=("Discovery","Demo","Proposal","Negotiation"), n=600,
          start=dt.date(2023,1,1), days=900, history=True, stages_csv=True, reps=True,
          leads=False, quotas=False, datetimes=False, amount=lambda r: round(r.lognormvariate(9,1),2),
          pwin=0.35, growth=0.0, owners=8, accounts=False):
    r = random.Random(seed); os.makedirs(out, exist_ok=True)
    export = start + dt.timedelta(days=days)
    deals, hist, leadrows = [], [], []
    owner_ids = [f"rep{i}" for i in range(owners)]
    for i in range(n):
        # arrival density grows with `growth`
        u = r.random(); off = int(days * (u ** (1/(1+growth))))
        created = start + dt.timedelta(days=off)
        amt = amount(r); owner = r.choice(owner_ids)
        t = created; rows = []; status = "open"; closed = ""
        for k, s in enumerate(stages):
            rows.append((t, s))
            stay = max(1, int(r.lognormvariate(2.8, 0.8)))
            t2 = t + dt.timedelta(days=stay)
            if t2 > export: break
            p_adv = pwin ** (1/len(stages))
            if r.random() > p_adv:
                status, closed = "lost", t2; break
            if k == len(stages)-1:
                status, closed = "won", t2
            t = t2
        fmt = (lambda d: d.isoformat()+"T09:30:00Z") if datetimes else (lambda d: d.isoformat())
        deals.append([f"D{i}", fmt(created), owner, amt, status, fmt(closed) if closed else "",
                      r.choice(["web","referral","event"]), r.choice(["SMB","MM"]),
                      f"A{r.randrange(max(1, n // 3))}" if accounts else "",
                      r.choices(["new", "renewal", "expansion"], [0.7, 0.2, 0.1])[0] if accounts else ""])
        for (d, s) in rows:
            hist.append([f"D{i}", fmt(d), s])
        if leads:
            leadrows.append([f"L{i}", fmt(created - dt.timedelta(days=3)), deals[-1][6], owner,
                             fmt(created - dt.timedelta(days=2)), fmt(created), "", f"D{i}"])
    write(f"{out}/deals.csv", ["deal_id","created_on","owner_id","amount","status","closed_on","source","segment",
                               "account_id","type"], deals)
    if history: write(f"{out}/deal_history.csv", ["deal_id","changed_on","stage"], hist)
    if stages_csv:
        write(f"{out}/stages.csv", ["stage","order","kind","probability"],
              [[s, k+1, "open", round(0.1+0.8*k/len(stages),2)] for k, s in enumerate(stages)] +
              [["Closed Won", 90, "won", 1], ["Closed Lost", 91, "lost", 0]])
    if reps: write(f"{out}/reps.csv", ["rep_id","team","role","hired_on"],
                   [[o, "T"+str(i%2), "ae", (start - dt.timedelta(days=200)).isoformat()] for i, o in enumerate(owner_ids)])
    if leads:
        for i in range(n//2):   # leads that never became deals
            c = start + dt.timedelta(days=r.randrange(days))
            leadrows.append([f"LX{i}", c.isoformat(), r.choice(["web","referral","event"]), r.choice(owner_ids),
                             (c+dt.timedelta(days=1)).isoformat() if r.random()<0.6 else "", "", "", ""])
        write(f"{out}/leads.csv", ["lead_id","created_on","source","owner_id","first_contact_on","qualified_on","disqualified_on","deal_id"], leadrows)
    if quotas:
        q = []
        for y in (2023,2024,2025):
            for qq in (1,2,3,4):
                for o in owner_ids: q.append([o, f"{y}-Q{qq}", 50000])
        write(f"{out}/quotas.csv", ["owner_id","period","amount"], q)

if len(sys.argv) != 2:
    sys.exit("usage: odd_worlds.py OUT_DIR")
base = sys.argv[1]
world(f"{base}/plain")
world(f"{base}/deals-only", history=False, stages_csv=False, reps=False)
world(f"{base}/no-stages-csv", stages_csv=False)
world(f"{base}/two-stages", stages=("Open","Verbal"))
world(f"{base}/one-stage", stages=("Pipeline",))
world(f"{base}/twenty-stages", stages=tuple(f"S{i:02d}" for i in range(20)), n=1500, pwin=0.5)
world(f"{base}/tiny", n=12, owners=2)
world(f"{base}/datetimes", datetimes=True, leads=True, quotas=True)
world(f"{base}/zero-amounts", amount=lambda r: 0 if r.random()<0.5 else 1e11)
world(f"{base}/growing", growth=2.0, n=2000, leads=True, quotas=True)
world(f"{base}/one-owner", owners=1)
world(f"{base}/unicode", stages=("Découverte","Démo, \"live\"","Angebot ü"))
world(f"{base}/accounts-from-deals", n=900, accounts=True)   # account ids on deals, no accounts.csv

