"""The surge benchmark's count-lag figure: how long a stored signature waited to appear in count.json."""

from bench.scenarios.petitions_surge import max_lag


def test_lag_is_the_oldest_signature_a_served_count_left_out():
    signed_at = [10.0, 11.0, 11.5, 12.0]  # the author's signature first, then three more
    samples = [(10.5, 1), (11.6, 1), (12.4, 4), (13.0, 4)]
    # At 11.6 the count 1 left out the signature stored at 11.0: 0.6 s behind; at 12.4 all four were counted.
    assert max_lag(samples, signed_at) == 0.6
    assert max_lag([(20.0, 4)], signed_at) == 0.0
