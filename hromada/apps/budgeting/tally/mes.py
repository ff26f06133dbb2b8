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
        self.signature = np.zeros((engine.num_voters, words), dtype=np.uint64)
        self.budget_of: dict[bytes, Fraction] = {bytes(8 * words): b0}
        self.replayed = 0

    def _groups(self, voters: np.ndarray) -> list[tuple[int, bytes, Fraction]]:
        rows = np.ascontiguousarray(self.signature[voters])
        keys = rows.view(np.dtype((np.void, rows.shape[1] * 8))).ravel()
        unique, counts = np.unique(keys, return_counts=True)
        groups = []
        for key, count in zip(unique, counts, strict=True):
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
    """Precomputed supporters of an election; `run(budget)` gives the equal-shares outcome for a budget."""

    def __init__(self, ids: list[str], costs: list[Number], supporters: list[np.ndarray], num_voters: int) -> None:
        self.ids = ids
        self.costs = costs
        self.supporters = supporters
        self.num_voters = num_voters
        self.float_costs = [float(c) for c in costs]
        self.candidates = [p for p in range(len(ids)) if costs[p] > 0 and len(supporters[p]) > 0]

    def run(self, budget: Number) -> list[int]:
        """Positions of the funded projects, in the order the rule funds them."""
        n = self.num_voters
        if n == 0:
            return []
        b0 = Fraction(budget) / n
        budgets = np.full(n, float(b0))
        spent = np.zeros(n, dtype=bool)  # voters whose exact budget is surely 0
        # (affordability lower bound, project): a project's affordability never falls, so last round's value
        # bounds it and only the few projects whose bound beats the current best are evaluated again
        heap = [(1.0 / len(self.supporters[p]), p) for p in self.candidates]
        heapq.heapify(heap)
        funded: list[int] = []
        known: list[Fraction | None] = []  # exact alpha of each funded project when it was known for free
        exact: _ExactState | None = None
        costs, float_costs, supporters, ids = self.costs, self.float_costs, self.supporters, self.ids
        minimum, add = np.minimum.reduce, np.add.reduce
        upper = 1 + TOLERANCE

        while heap:
            best = float("inf")
            # (rho, project, alpha, exact alpha if known, close to unaffordable)
            evaluated: list[tuple[float, int, float, Fraction | None, bool]] = []
            while heap and heap[0][0] <= best * upper:
                p = heapq.heappop(heap)[1]
                cost = float_costs[p]
                held = budgets[supporters[p]]
                m = len(held)
                alpha = cost / m
                exact_alpha: Fraction | None = None
                close = False
                if float(minimum(held)) >= alpha * upper:
                    # every supporter surely pays the same share: exactly cost / m, affordability 1 / m
                    exact_alpha = Fraction(costs[p]) / m
                else:
                    total = float(add(held))
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
                    else:
                        alive = ~spent[supporters[p]]
                        payers = int(np.count_nonzero(alive))
                        if 0 < payers < m and float(minimum(held[alive])) >= cost / payers * upper:
                            # the others hold exactly 0, the payers surely share the cost equally
                            alpha = cost / payers
                            exact_alpha = Fraction(costs[p]) / payers
                        else:
                            alpha = _float_alpha(cost, held)
                rho = alpha / cost
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
            held = budgets[idx]
            spent[idx[held < alpha * (1 - TOLERANCE)]] = True  # surely poorer than the share: now exactly 0
            budgets[idx] = np.maximum(held - alpha, 0.0)
            funded.append(chosen)
            known.append(chosen_exact)
            for rho, p, _, _, _ in evaluated:
                if p != chosen:
                    heapq.heappush(heap, (rho, p))
        return funded


def _float_alpha(cost: float, held: np.ndarray) -> float:
    """Least alpha with sum(min(held, alpha)) == cost (the supporters hold at least `cost`)."""
    m = len(held)
    alpha = cost / m
    if held.min() >= alpha:
        return alpha
    poor_count = -1
    for _ in range(8):  # poor/rich iteration: alpha only grows; a few rounds settle it in practice
        poor = held < alpha
        count = int(np.count_nonzero(poor))
        if count == poor_count:
            return alpha
        poor_count = count
        if count >= m:
            break
        alpha = (cost - float(held[poor].sum())) / (m - count)
    ordered = np.sort(held)  # the general case, as pabutools walks it: supporters by budget, poorest first
    paid_before = np.concatenate(([0.0], np.cumsum(ordered)[:-1]))
    alphas = (cost - paid_before) / (m - np.arange(m))
    fits = np.nonzero(alphas <= ordered)[0]
    return float(alphas[fits[0]]) if len(fits) else float(alphas[-1])
