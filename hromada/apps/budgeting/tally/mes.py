"""The Method of Equal Shares with cost satisfaction, decided exactly, computed mostly in floats.

Semantics are those of pabutools 1.2.3 `method_of_equal_shares(sat_class=Cost_Sat)`:

- every ballot (empty ones too) starts with budget / number of ballots;
- a project's supporters are the ballots that name it; projects that cost 0 or have no supporter are
  never chosen (Cost_Sat gives them no satisfaction);
- with cost satisfaction every supporter of p gets the same satisfaction, so buying p at "price" alpha
  means each supporter pays min(own budget, alpha), and alpha is the least value for which the payments
  cover the cost; the rule buys the project with the least alpha / cost (pabutools' affordability), ties
  to the smaller project id compared as text, and stops when no project can be paid for.

Speed comes from floats and from evaluating projects lazily (a project's affordability never falls, so
last round's value is a lower bound). Exactness comes from a fallback: whenever two projects are within
a relative 1e-9 of the best affordability, or a project's supporters hold within 1e-9 of its cost, the
contenders are evaluated again in exact rational arithmetic. That needs exact budgets, which are cheap
to rebuild: a voter's budget is max(0, b0 - sum of the alphas of the funded projects on the ballot), so
voters group by which funded projects they support (a bitmask), and each group has one exact budget.
"""

from __future__ import annotations

import heapq
from fractions import Fraction

import numpy as np

Number = int | Fraction

TOLERANCE = 1e-9  # float errors here are ~1e-13; anything closer than this is decided exactly


class _ExactState:
    """Exact voter budgets for the fundings made so far, replayed lazily (only when a decision is close)."""

    def __init__(self, engine: MesEngine, b0: Fraction) -> None:
        self.engine = engine
        self.b0 = b0
        words = max(1, (len(engine.candidates) + 63) // 64)
        self.signature = np.zeros((len(engine.weights), words), dtype=np.uint64)
        self.budget_of: dict[bytes, Fraction] = {bytes(8 * words): b0}
        self.replayed = 0

    def _groups(self, ballots: np.ndarray) -> list[tuple[int, bytes, Fraction]]:
        """(voters, signature, exact budget) for the distinct signatures among `ballots` (ballot groups)."""
        rows = np.ascontiguousarray(self.signature[ballots])
        keys = rows.view(np.dtype((np.void, rows.shape[1] * 8))).ravel()
        unique, inverse = np.unique(keys, return_inverse=True)
        counts = np.bincount(inverse.ravel(), weights=self.engine.weights[ballots], minlength=len(unique))
        groups = []
        for key, count in zip(unique, counts.tolist(), strict=True):
            raw = key.tobytes()
            groups.append((int(count), raw, self.budget_of[raw]))
        return groups

    @staticmethod
    def _alpha(cost: Number, groups: list[tuple[int, bytes, Fraction]]) -> Fraction | None:
        """The least alpha with sum(min(budget, alpha)) == cost, or None when the supporters cannot pay."""
        if sum(count * budget for count, _, budget in groups) < cost:
            return None
        contributed: Fraction = Fraction(0)
        remaining = sum(count for count, _, _ in groups)
        for count, _, budget in sorted(groups, key=lambda g: g[2]):
            alpha = (cost - contributed) / remaining
            if alpha <= budget:
                return alpha
            contributed += count * budget
            remaining -= count
        return None  # unreachable: the supporters hold at least the cost

    def sync(self, funded: list[int], known: list[Fraction | None]) -> None:
        engine = self.engine
        while self.replayed < len(funded):
            step = self.replayed
            project = funded[step]
            voters = engine.supporters[project]
            groups = self._groups(voters)
            alpha = known[step]
            if alpha is None:
                alpha = self._alpha(engine.costs[project], groups)
            if alpha is None:  # the float path funded what exact arithmetic cannot pay: must never happen
                raise AssertionError(f"equal shares: funded project {engine.ids[project]} is not affordable")
            word, bit = divmod(step, 64)
            flag = np.zeros(self.signature.shape[1], dtype=np.uint64)
            flag[word] = np.uint64(1) << np.uint64(bit)
            for _, raw, budget in groups:
                new_key = (np.frombuffer(raw, dtype=np.uint64) | flag).tobytes()
                self.budget_of[new_key] = max(Fraction(0), budget - alpha)
            self.signature[voters, word] |= flag[word]
            self.replayed += 1

    def evaluate(self, project: int, funded: list[int], known: list[Fraction | None]) -> Fraction | None:
        """Exact alpha of `project` now, or None when its supporters cannot pay for it."""
        self.sync(funded, known)
        return self._alpha(self.engine.costs[project], self._groups(self.engine.supporters[project]))


class MesEngine:
    """Precomputed supporters of an election; `run(budget)` gives the equal-shares outcome for a budget.

    Voters with the same approval set are interchangeable under cost satisfaction (they start with the same
    share and pay the same amounts for ever), so the engine works on ballot groups: `supporters[p]` are the
    groups naming project p and `weights[g]` the number of voters in group g (all 1 when ungrouped).
    `num_voters` is the number of voters, empty ballots included (the budget is divided by it).
    """

    def __init__(self, ids: list[str], costs: list[Number], supporters: list[np.ndarray], num_voters: int,
                 weights: np.ndarray | None = None) -> None:
        self.ids = ids
        self.costs = costs
        self.supporters = supporters
        self.num_voters = num_voters
        if weights is None:
            groups = max((int(s.max()) + 1 for s in supporters if len(s)), default=0)
            weights = np.ones(groups, dtype=np.int64)
        self.weights = weights
        self.float_weights = weights.astype(np.float64)
        self.supporter_weights = [self.float_weights[s] for s in supporters]
        self.sizes = [int(weights[s].sum()) for s in supporters]  # voters naming each project
        self.uniform = [bool(len(s) == 0 or weights[s].max() == 1) for s in supporters]
        self.float_costs = [float(c) for c in costs]
        self.candidates = [p for p in range(len(ids)) if costs[p] > 0 and self.sizes[p] > 0]
        self.candidate_array = np.asarray(self.candidates, dtype=np.int64)
        self.candidate_costs = np.asarray([self.float_costs[p] for p in self.candidates], dtype=np.float64)
        self.candidate_sizes = np.asarray([self.sizes[p] for p in self.candidates], dtype=np.float64)

    def run(self, budget: Number) -> list[int]:
        """Positions of the funded projects, in the order the rule funds them."""
        n = self.num_voters
        if n == 0:
            return []
        b0 = Fraction(budget) / n
        budgets = np.full(len(self.weights), float(b0))
        spent = np.zeros(len(self.weights), dtype=bool)  # groups whose exact budget is surely 0
        # (affordability lower bound, project): a project's affordability never falls, so last round's value
        # bounds it and only the few projects whose bound beats the current best are evaluated again
        # At the start every voter holds b0, so a project whose supporters hold less than its cost in total
        # (cost > m * b0) is unaffordable now and so for ever (budgets only fall): left out without a look.
        # The float test has a margin; a project near the line is kept and decided exactly below.
        reachable = self.candidate_costs <= self.candidate_sizes * float(b0) * (1 + TOLERANCE)
        heap = [(1.0 / self.sizes[p], p) for p in self.candidate_array[reachable].tolist()]
        heapq.heapify(heap)
        funded: list[int] = []
        known: list[Fraction | None] = []  # exact alpha of each funded project when it was known for free
        exact: _ExactState | None = None
        costs, float_costs, supporters, ids = self.costs, self.float_costs, self.supporters, self.ids
        sizes, shares, uniform = self.sizes, self.supporter_weights, self.uniform
        minimum, add, dot = np.minimum.reduce, np.add.reduce, np.dot
        floor = [0.0] * len(ids)  # each project's last alpha: budgets only fall, so its alpha only grows
        upper = 1 + TOLERANCE

        while heap:
            best = float("inf")
            # (rho, project, alpha, exact alpha if known, close to unaffordable)
            evaluated: list[tuple[float, int, float, Fraction | None, bool]] = []
            looked: dict[int, tuple[np.ndarray, float]] = {}  # this round's supporter budgets and their least
            while heap and heap[0][0] <= best * upper:
                p = heapq.heappop(heap)[1]
                cost = float_costs[p]
                held = budgets[supporters[p]]
                m = sizes[p]
                alpha = cost / m
                exact_alpha: Fraction | None = None
                close = False
                lowest = float(minimum(held))
                if lowest >= alpha * upper:
                    # every supporter surely pays the same share: exactly cost / m, affordability 1 / m
                    exact_alpha = Fraction(costs[p]) / m
                else:
                    weight = shares[p]
                    total = float(add(held)) if uniform[p] else float(dot(held, weight))
                    if total < cost * (1 - TOLERANCE):
                        continue  # unaffordable now, so for ever: budgets only fall
                    close = total <= cost * upper
                    if close:
                        if exact is None:
                            exact = _ExactState(self, b0)
                        exact_alpha = exact.evaluate(p, funded, known)
                        if exact_alpha is None:
                            continue
                        alpha = float(exact_alpha)
                    elif lowest == 0.0:  # some supporters may have spent everything (they hold exactly 0.0)
                        alive = ~spent[supporters[p]]
                        live = held[alive]
                        live_weight = None if uniform[p] else weight[alive]
                        payers = len(live) if live_weight is None else int(add(live_weight))
                        if payers < m and float(minimum(live)) >= cost / payers * upper:
                            # the others hold exactly 0, the payers surely share the cost equally
                            alpha = cost / payers
                            exact_alpha = Fraction(costs[p]) / payers
                        else:  # those holding 0 pay nothing and change nothing in the walk: leave them out
                            alpha = _float_alpha(cost, live, live_weight, payers, floor[p])
                    else:
                        alpha = _float_alpha(cost, held, None if uniform[p] else weight, m, floor[p])
                rho = alpha / cost
                floor[p] = alpha
                looked[p] = (held, lowest)
                evaluated.append((rho, p, alpha, exact_alpha, close))
                best = min(best, rho)
            if not evaluated:
                break
            contenders = [e for e in evaluated if e[0] <= best * (1 + TOLERANCE)]
            chosen_exact: Fraction | None
            if len(contenders) == 1 and not contenders[0][4]:
                _, chosen, alpha, chosen_exact, _ = contenders[0]
            else:
                scored: list[tuple[Fraction, str, int, Fraction]] = []
                dropped: set[int] = set()
                for _, p, _, exact_alpha, _ in contenders:
                    if exact_alpha is None:
                        if exact is None:
                            exact = _ExactState(self, b0)
                        exact_alpha = exact.evaluate(p, funded, known)
                    if exact_alpha is None:  # float said affordable, exact says not: drop it, redo the round
                        dropped.add(p)
                        continue
                    scored.append((exact_alpha / costs[p], ids[p], p, exact_alpha))
                if dropped or not scored:
                    for rho, p, _, _, _ in evaluated:
                        if p not in dropped:
                            heapq.heappush(heap, (rho, p))
                    continue
                _, _, chosen, chosen_exact = min(scored)
                alpha = float(chosen_exact)
            idx = supporters[chosen]
            held, lowest = looked[chosen]
            if lowest >= alpha * upper:  # everyone pays the share and keeps a positive remainder
                budgets[idx] = held - alpha
            else:
                spent[idx[held < alpha * (1 - TOLERANCE)]] = True  # surely poorer than the share: now exactly 0
                budgets[idx] = np.maximum(held - alpha, 0.0)
            funded.append(chosen)
            known.append(chosen_exact)
            for rho, p, _, _, _ in evaluated:
                if p != chosen:
                    heapq.heappush(heap, (rho, p))
        return funded


def _float_alpha(cost: float, held: np.ndarray, weight: np.ndarray | None, m: int, floor: float = 0.0) -> float:
    """Least alpha with sum(weight * min(held, alpha)) == cost (the supporters hold at least `cost`);
    `weight` None means every entry is one voter; `m` is the number of voters; `floor` a value known not to
    exceed the answer (the project's alpha in an earlier round), where the search starts.

    Newton's method from below on that concave, piecewise-linear sum: with the supporters poorer than the
    current alpha paying all they hold, the rest share what is left equally. Alpha only grows and stops
    when the set of poorer supporters stops changing, which is the exact answer (usually 2-3 steps).
    A bounded number of steps, then the walk pabutools does (`_walk_alpha`)."""
    alpha = max(cost / m, floor)
    weighted = held * weight if weight is not None else None
    for _ in range(32):
        poor = held < alpha
        if weighted is None or weight is None:
            count = float(np.count_nonzero(poor))
            paid = float(np.dot(poor, held))
        else:
            count = float(np.dot(poor, weight))
            paid = float(np.dot(poor, weighted))
        if count >= m:  # cannot happen when the supporters hold more than the cost; float safety
            break
        following = (cost - paid) / (m - count)
        if following <= alpha:
            return following
        alpha = following
    return _walk_alpha(cost, held, weight, m)


def _walk_alpha(cost: float, held: np.ndarray, weight: np.ndarray | None, m: int) -> float:
    """`_float_alpha` as pabutools walks it: supporters by budget, poorest first; the first whose budget
    covers the share of what is still unpaid sets alpha. A group of equal budgets behaves as its voters one
    after another (if the first cannot cover the share, none of them can), so groups are walked as wholes."""
    if weight is None:
        ordered = np.sort(held)
        before = ordered.cumsum()
        before -= ordered  # paid by the poorer supporters
        remaining = np.arange(m, m - len(held), -1, dtype=np.float64)
    else:
        order = held.argsort()
        ordered = held[order]
        counts = weight[order]
        paid = ordered * counts
        before = paid.cumsum()
        before -= paid
        remaining = m - counts.cumsum()
        remaining += counts
    alphas = (cost - before) / remaining
    fits = alphas <= ordered
    first = int(fits.argmax())
    return float(alphas[first] if fits[first] else alphas[-1])
