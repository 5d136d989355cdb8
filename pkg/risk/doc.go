// Package risk is the carry & liquidity risk index (CLRI): models clri-v2
// (the default; see "Model v2" below) and clri-v1, each a pure, deterministic function of an ordered stream of
// input events (JGB yields, FOMC odds, spot BTC ETF flows, venue status,
// heartbeats) to a stream of explained prints (event.RiskScore). It does no
// I/O beyond parsing given bytes, starts no goroutines and never reads the
// wall clock: time is event time, the newest observed_at the model has
// seen. Every parameter is in the versioned calibration file
// calibration/clri-v1.yaml (embedded; its hash is on every print), which
// documents each number's source.
//
// # Blocks and components
//
// Blocks are named "A" (carry), "B" (Fed path), "C" (ETF flows) and "E"
// (infrastructure); components "A1", "A2", "B1", "B2", "C1", "E1", "E2".
// Every score is in [0, 1], higher is more stress, 0.5 is neutral. A
// component is on a print only when available; the optional A3 (UST–JGB
// spread) and C2 (ETF cost-basis pain) have no input kind and never appear:
// absent is not zero.
//
//   - A1: for each of the 2Y and 10Y tenors, the percentile of the latest MoF
//     yield in a 1999–2024 reference distribution; A1 is their mean (the front
//     and the long end both count). Raw: the 10Y yield, %.
//   - A2: per tenor, z = (yield now − yield 5 MoF observations back, bp) / sd,
//     sd the EWMA (λ 0.97, zero mean) of past squared 5-day changes, updated
//     once per MoF day and seeded from 2024; A2 = max over tenors of Φ(z).
//     Raw: that tenor's 5-day change, bp. A same-day revision redoes the
//     day's update; an observation of an older day than the tenor's latest is
//     ignored.
//   - B1 and B2 use the expected path over the next 3 FOMC meetings (calendar:
//     fomc.Shipped()) after the evaluation time t; a meeting leaves the set
//     at 19:00Z of its decision day. Point k is the expected cumulative change
//     at meeting k: per meeting, the mean of Σ change × probability over each
//     source's latest FedOdds at or before the as-of time, leaving out sources
//     more than 3 h behind the freshest (so interleaved sources do not zigzag);
//     a later meeting without odds carries the previous point forward, the
//     first one 0. Each observation is cumulative vs the target range in force
//     on its day, so points are rebased to the range in force at t (shipped
//     range history; a decision between two observations is not a move). The
//     path is priced when any of the meetings has odds.
//   - B1: the 1-day move Σ_k |path_k(t) − path_k(t − 24 h)|, the second path
//     as known at t − 24 h (each source's last observation at or before it;
//     the first observation if none existed then), in bp;
//     B1 = 2Φ(move / sd) − 1 = P(|Z| ≤ move/sd), sd the zero-mean EWMA
//     (λ 0.94) of the daily move, one sample per UTC day of event time,
//     floored at 2 bp. the model specification writes Φ(|z|); that is ≥ 0.5 for every move,
//     so a quiet Fed would read as neutral-or-worse: the two-sided percentile
//     2Φ(|z|)−1 is used instead (a move of one sd scores 0.68). With only the
//     December-2025 meeting priced, 20 → 21 Nov (39.1 % → 70.9 % cut) moves
//     each point by 7.95 bp: 23.85 bp.
//   - B2: the signed 20-day change Σ_k (path_k(t) − path_k(t − 20 d)), bp
//     (+ = hawkish), as a percentile of a reference table.
//   - While the path is not priced (say after a decision, before odds of the
//     next meetings arrive) B1 and B2 keep their values at the last print that
//     priced them, and age.
//   - C1: the 5 latest sessions with a TOTAL row of the configured asset
//     among the 10 US business days ending at the latest reported session,
//     summed; with 3 or 4 of them the sum is scaled by 5/n (a missing day is
//     unknown, not zero); with fewer C1 keeps its last value and ages. The
//     sum divided by AUM (the latest reported, else the calibration's
//     reference AUM) is scored as the percentile of −flow. Per-fund rows are
//     not totals and are ignored. Raw: the 5-session sum, USD.
//   - E1 = min(1, Σ over venues with an open incident of weight(venue) ×
//     severity factor of its worst open incident); always present (venue
//     status is event-driven: no open incident is a known 0). Raw: the sum
//     before the cap.
//   - E2 = max over incidents resolved in the last 12 h of peak × 2^(−t/2 h),
//     t the time since resolved_at, peak the incident's largest
//     weight × severity; present only within those 12 h.
//
// # Freshness
//
// Each component has an as-of time (its newest input observation; for a
// consensus, the freshest used). Age is measured in event time on the
// input's clock: JGB and ETF flows count only Monday–Friday (UTC) outside the
// calibration's holiday lists (MoF publishes on Japanese business days,
// Farside on NYSE days), Fed odds every second. Past cadence + grace,
// conf = 2^(−(age − cadence − grace)/half-life) and the score used is
// conf·s + (1 − conf)·0.5. Venue components always have conf 1. A block is
// the conf-weighted mean of its available components' used scores (0.5 with
// none; the limit as every conf → 0 is 0.5, so nothing jumps); its
// Freshness is the mean conf. Component Score on a print is the component's
// own score, before the drift.
//
// # Index
//
// With s the block scores and w the weights, I = (w∘s)ᵀ C (w∘s),
// CLRI = 100·√I, and block j contributes w_j s_j (C w∘s)_j / I × CLRI (all 0
// when I = 0), so contributions sum to the index to rounding. C is the
// identity until 60 daily samples exist, then the EWMA (λ 0.93) correlation
// of the block scores demeaned at 0.5, negatives floored at 0. Daily samples
// are taken at every UTC midnight of event time the stream crosses,
// evaluated at that instant (a jump of several days takes one sample per
// day). With C the identity the index cannot exceed 100·√Σw² ≈ 51.5.
//
// # Regimes and triggers
//
// calm < 40 ≤ watch < 60 ≤ elevated < 75 ≤ stress on the index; the level
// rises at once and falls one regime at a time only while the index is more
// than 5 points below the current regime's entry threshold. Each active
// named trigger then raises the regime one level (capped at stress):
// VENUE_DOWN (E1 ≥ 0.2), POLICY_SHOCK (B1's move ≥ 10 bp, path priced now),
// ETF_BLEED (C1's 5-session outflow ≥ 1.5 % of AUM, or ≥ $2 bn with no AUM
// reported), CARRY_UNWIND (A2 ≥ 0.97 and the 2Y above every 2Y observation of
// the past 365 days, judged only when the model holds a year of 2Y
// history). A trigger on a decaying input also needs that input's conf ≥ 0.5,
// so a stale alarm expires. Any block ≥ 0.95 holds the regime at elevated or
// above and adds the trigger SINGLE_POCKET_<block>. Triggers are sorted.
//
// # Drivers
//
// The top-3 drivers are the blocks whose contribution rose by at least 1
// index point over the last 24 h of event time, largest rise first, then the
// remaining blocks by contribution, largest first (ties in block order). The
// contribution 24 h ago is read from samples taken every hour of event time
// (the latest at or before t − 24 h, else the oldest). So while the CME is
// halted E, whose contribution jumped, leads even though A sits higher.
//
// # Prints and publishing
//
// Apply returns after every event the print as of the event time: Source
// "scorer", ObservedAt = IngestedAt = event time (replicas and replays give
// identical bytes), Watermark{stream sequence, event time}, sealed. It says
// to publish when the index moved ≥ 0.5 since the last published print, the
// regime or the trigger set changed, or 5 minutes of event time passed.
//
// # Determinism
//
// No map is iterated into an output, slices in the state are kept sorted,
// and only IEEE-exact arithmetic and pure-Go math run on the scoring path
// (math.Exp and its users are avoided: on amd64 it picks an FMA kernel at
// run time). The same binary therefore gives the same bits on every machine
// of its architecture; across architectures the compiler may fuse
// multiply-adds differently, so replicas should run one architecture.
// Snapshot/Restore carry the full state; a restored model continues bit for
// bit.
//
// # Model v2
//
// clri-v2 keeps v1's architecture (components → blocks → the CISS quadratic
// form, contributions that sum, freshness toward neutral, event time, no
// revisions) and changes what it measures and how it is scaled. Its file,
// calibration/clri-v2.yaml, is written by `carrywatch calibrate` (CalibrateV2)
// from the 1999–2023 history in pkg/history and nothing later (Cutoff).
//
// Every market input is kept as one value per UTC day; a day's value may be
// revised until a later day arrives, and only then do its changes enter the
// zero-mean EWMA variances (λ 0.94 for 1-day, 0.97 for 5-day changes), so a
// move is always judged against the variance of earlier moves. A fitted
// component's score is the percentile of its statistic x among the weekdays
// of 1999–2023 (the calibration's knots, interpolated), as the ECB's CISS
// scores its inputs by their empirical distribution: 0.5 is a median day.
//
//   - A2 JGB repricing, both directions: x = max over 2Y and 10Y of
//     |5-day change| / sd. v1 scored Φ(z) of the signed change, so the fall
//     of 12.5 bp on 29 Jan 2016 (BoJ negative rate) read as calm; a flight
//     to safety and a tightening are both stress.
//   - A3 US–Japan 2-year gap narrowing: x = −(5-day change of UST2Y − JGB2Y)
//     / sd. The gap is the carry itself; it narrowed 100 bp in three
//     sessions around SVB (March 2023).
//   - A4 yen shock: x = max(−z1, −z5), z the 1- and 5-day log return of
//     USDJPY over its sd; a falling USDJPY (the yen appreciating) is stress.
//     The 16 Aug 2007 and 24 Oct 2008 unwinds are its two largest z1 of the
//     1999–2008 sample.
//   - B1 Fed repricing: x = the 1-day move of the expected path over the
//     next 3 meetings (v1's B1 raw, from the odds) / its EWMA sd (λ 0.94,
//     seeded with the history's RMS, floored at 2 bp). B2 hawkish level:
//     x = the 20-day change of that path. The history's odds come from the
//     fed funds futures through the FedWatch method.
//   - C1 ETF flow intensity: Φ(z), z = the 5-session outflow in units of
//     0.75 % of AUM ($1 bn without AUM): the ETF_BLEED level (1.5 %, $2 bn)
//     reads as 2 sd. No ETF existed before 2024, so nothing here is fitted.
//   - C2 cost-basis pain: Φ(−z), z = ln(BTC / cost basis) / (BTC's daily sd
//     × √20). The cost basis (on every print as etf_cost_basis_usd) is the
//     average cost of the coins the funds hold: an inflow day buys at that
//     day's close, an outflow day sells at that day's close without changing
//     the average cost of what is left (average-cost accounting, so a run of
//     redemptions cannot send the basis to infinity or below zero).
//   - D1 BTC drawdown: x = −ln(BTC / its 90-day high). D2 realized-volatility
//     shock: x = ln(10-day RMS return / 250-day RMS return). D3 BTC return
//     shock: as A4, for BTC.
//   - E1, E2 as v1, scored 0.5 + 0.5 × v1's score: no incident (nearly every
//     day) is a median day, a full halt is 1.
//   - X1 cross-asset volatility: x = ln(VIX / its 250-day mean), a level
//     against its own moving history as the OFR FSI does, not against a
//     fixed 25-year distribution.
//
// v1's A1 (the JGB level's percentile in 1999–2024) is gone: in every print
// of November 2025 it held about 30 of v1's 40 points, saying "yields are
// high by zero-rate standards" rather than "risk rose today".
//
// Blocks A (carry) 0.30, B (Fed) 0.15, C (ETF) 0.15, D (crypto) 0.15,
// E (venues) 0.10, X (cross-asset) 0.15 are the prior weights; a block with
// no component is absent (not zero). Over the present blocks P, with v the
// weights rescaled to sum to 1, CLRI = 100·√(I(s)/I(1)), I(x) =
// (v∘x)ᵀ C (v∘x): every block at s reads 100·s, so neutral is 50 and every
// block at 1 is 100 whichever blocks are present and however they
// correlate, and the 1999–2013 history (no BTC, no ETFs), a live print and
// a scorer that has only heard of the venues use one scale. Without the
// I(1) normalization (CLRI = 100·√I, the spec's form) a lone neutral block
// read 50 and six neutral blocks 23.4 under the same calibration: a fresh
// scorer printed "elevated" until its inputs arrived. C starts from the
// covariance of the block scores over the history (demeaned at 0.5) and
// then follows the EWMA (λ 0.93), one sample per UTC day of event time; it
// is never the identity. Contributions are w_j s_j (C v∘s)_j / I(s) × CLRI
// and still sum to the index.
//
// Regimes: the thresholds are the lowest percentiles of the replayed
// weekday index at which at most 25 % of weekdays are watch or above, 8 %
// elevated or above and 2 % stress, counting triggers and hysteresis (3
// points); the file records the shares reached. Triggers: VENUE_DOWN
// (E1 ≥ 0.2), POLICY_SHOCK (B1 move ≥ 10 bp and in the history's top 1 %),
// ETF_BLEED (as v1), CARRY_UNWIND (A4 or A2 in the top 1 %), CRYPTO_CRASH
// (D3 in the top 1 %), SINGLE_POCKET_<block> (a block at or above its own
// 99.5th percentile over the history; 0.95 for C and E, which the history
// lacks). Each trigger raises the regime one level, a single pocket to at
// least elevated, and a raised regime lifts the line to that regime's entry
// threshold, the lift shared among the firing blocks' contributions. So the
// line and the label never tell two stories: every print's index lies in
// its regime's band, or up to the hysteresis below it. The lift is on the
// print as the firing blocks' contributions and names the trigger.
//
// Event study (`carrywatch validate`, the README has the table): every
// episode of the history's README §5 reaches at least elevated (four of them
// stress), and the replayed weekdays spend 8 % elevated or above and 2 %
// in stress.
package risk
