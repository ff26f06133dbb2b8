"""Redis reliable queue.

Keys per queue (prefix ``hromada:jobs:<queue>``): ``ready`` (list), ``delayed`` (sorted set
by due time), ``processing:<worker>`` (list; ``BLMOVE`` moves a job there atomically when it
is claimed), ``leases`` (sorted set: worker -> lease expiry, renewed by heartbeats) and
``failed`` (list). When a worker's lease runs out its processing list goes back to ``ready``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import redis

from hromada.core.jobs.backends.base import Backend, Delivery, lease_seconds

# Move due delayed jobs to ready.
_PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
for _, raw in ipairs(due) do
  redis.call('ZREM', KEYS[1], raw)
  redis.call('LPUSH', KEYS[2], raw)
end
return #due
"""

# Give a dead worker's jobs back (counting the interrupted run as an attempt).
_RESCUE = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) >= tonumber(ARGV[2]) then return 0 end
local moved = 0
while true do
  local raw = redis.call('RPOP', KEYS[2])
  if not raw then break end
  local message = cjson.decode(raw)
  message['attempts'] = (message['attempts'] or 0) + 1
  redis.call('RPUSH', KEYS[3], cjson.encode(message))
  moved = moved + 1
end
redis.call('ZREM', KEYS[1], ARGV[1])
return moved
"""


class RedisBackend(Backend):
    def __init__(self, broker_url: str = "") -> None:
        super().__init__(broker_url)
        self.client = redis.Redis.from_url(broker_url or "redis://127.0.0.1:6379/0", decode_responses=True)
        self._promote = self.client.register_script(_PROMOTE)
        self._rescue = self.client.register_script(_RESCUE)
        self._claimed_from: set[tuple[str, str]] = set()

    @staticmethod
    def _key(queue: str, *parts: str) -> str:
        return ":".join(["hromada", "jobs", queue, *parts])

    def push(self, queue: str, name: str, payload: dict[str, Any], *, delay_seconds: float = 0,
             max_attempts: int = 5) -> None:
        raw = json.dumps({"id": uuid.uuid4().hex, "name": name, "payload": payload, "attempts": 0,
                          "max_attempts": max_attempts})
        if delay_seconds > 0:
            self.client.zadd(self._key(queue, "delayed"), {raw: self.now() + delay_seconds})
        else:
            self.client.lpush(self._key(queue, "ready"), raw)

    def _renew(self, queue: str, worker_id: str) -> None:
        self.client.zadd(self._key(queue, "leases"), {worker_id: self.now() + lease_seconds()})

    def _housekeeping(self, queue: str, worker_id: str) -> None:
        now = self.now()
        self._promote(keys=[self._key(queue, "delayed"), self._key(queue, "ready")], args=[now])
        leases = self._key(queue, "leases")
        for dead in self.client.zrangebyscore(leases, "-inf", now):
            dead_id = str(dead)
            if dead_id != worker_id:
                self._rescue(keys=[leases, self._key(queue, "processing", dead_id), self._key(queue, "ready")],
                             args=[dead_id, now])

    def claim(self, queue: str, worker_id: str, timeout: float) -> Delivery | None:
        self._claimed_from.add((queue, worker_id))
        self._renew(queue, worker_id)
        self._housekeeping(queue, worker_id)
        raw = self.client.blmove(self._key(queue, "ready"), self._key(queue, "processing", worker_id),
                                 timeout, "RIGHT", "LEFT")  # type: ignore[arg-type]  # Redis takes seconds as float
        if raw is None:
            return None
        message = json.loads(raw)
        return Delivery(id=message["id"], queue=queue, name=message["name"], payload=message["payload"],
                        attempts=int(message.get("attempts", 0)) + 1,
                        max_attempts=int(message.get("max_attempts", 5)), raw=raw)

    def heartbeat(self, delivery: Delivery, worker_id: str) -> None:
        self._renew(delivery.queue, worker_id)

    def _finish(self, delivery: Delivery, worker_id: str, target: str | None, score: float | None,
                error: str = "") -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.lrem(self._key(delivery.queue, "processing", worker_id), 1, delivery.raw)
        if target is not None:
            message = json.loads(delivery.raw)
            message.update(attempts=delivery.attempts, last_error=error)
            raw = json.dumps(message)
            if score is None:
                pipe.lpush(self._key(delivery.queue, target), raw)
            else:
                pipe.zadd(self._key(delivery.queue, target), {raw: score})
        pipe.execute()

    def complete(self, delivery: Delivery, worker_id: str) -> None:
        self._finish(delivery, worker_id, None, None)

    def retry(self, delivery: Delivery, worker_id: str, *, delay_seconds: float, error: str) -> None:
        self._finish(delivery, worker_id, "delayed", self.now() + delay_seconds, error)

    def fail(self, delivery: Delivery, worker_id: str, *, error: str) -> None:
        self._finish(delivery, worker_id, "failed", None, error)

    def pending_count(self, queue: str) -> int:
        count = int(self.client.llen(self._key(queue, "ready"))) + int(self.client.zcard(self._key(queue, "delayed")))
        for worker in self.client.zrange(self._key(queue, "leases"), 0, -1):
            count += int(self.client.llen(self._key(queue, "processing", str(worker))))
        return count

    def close(self, worker_id: str | None = None) -> None:
        for queue, claimed_by in self._claimed_from:
            if claimed_by != worker_id:
                continue
            # A clean exit leaves nothing in processing; give back anything that is.
            while self.client.lmove(self._key(queue, "processing", worker_id), self._key(queue, "ready"),
                                    "RIGHT", "RIGHT"):
                pass
            self.client.zrem(self._key(queue, "leases"), worker_id)
        self.client.close()
