"""The bounded memo the engine's caches share (memo.py)."""

from __future__ import annotations

from fluxer_patcher.memo import Memo


def test_a_value_is_made_once_and_the_oldest_goes_first() -> None:
    made: list[str] = []
    memo: Memo[str, str] = Memo(2)

    def make(key: str) -> str:
        made.append(key)
        return key.upper()

    assert [memo.get(k, lambda k=k: make(k)) for k in ("a", "b", "a")] == ["A", "B", "A"]
    assert made == ["a", "b"]
    memo.get("c", lambda: make("c"))  # past the limit: "a", the oldest kept, goes
    assert len(memo) == 2 and memo.pop("a") is None and memo.pop("b") == "B"


def test_putting_a_key_again_makes_it_the_newest() -> None:
    memo: Memo[str, int] = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    memo.put("a", 3)
    memo.put("c", 4)  # "b" is now the oldest
    assert memo.pop("b") is None and memo.pop("a") == 3 and memo.pop("c") == 4
    memo.put("d", 5)
    memo.clear()
    assert len(memo) == 0


def test_peeking_leaves_a_value_where_it_is() -> None:
    memo: Memo[str, int] = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.peek("a") == 1 and memo.peek("c") is None
    memo.put("c", 3)  # "a" is still the oldest: it goes
    assert memo.peek("a") is None and memo.peek("b") == 2
