//! The economy invariant against a reference computed in wide signed arithmetic, for any input.

use models::{CURRENCY_MAX, CurrencyAmount, EconomyOutput};
use models::{balance_after, credit};
use proptest::prelude::*;

fn amount() -> impl Strategy<Value = CurrencyAmount> {
    (0..=CURRENCY_MAX, 0..=CURRENCY_MAX).prop_map(|(signal, memory_shard)| CurrencyAmount { signal, memory_shard })
}

fn reference_balance(have: u32, pay: u32, get: u32) -> u32 {
    (i128::from(have) - i128::from(pay) + i128::from(get)).clamp(0, i128::from(CURRENCY_MAX)) as u32
}

fn reference_credit(snapshot: CurrencyAmount, cost: CurrencyAmount, gains: CurrencyAmount) -> u64 {
    (i128::from(cost.signal) - i128::from(snapshot.signal) - i128::from(gains.signal)).max(0) as u64
}

proptest! {
    #[test]
    fn settling_matches_the_reference_and_never_goes_negative(
        snapshot in amount(), cost in amount(), gains in amount(), warning in any::<bool>()
    ) {
        let settled = EconomyOutput::settle(snapshot, cost, gains, warning);
        prop_assert_eq!(settled.balance_after.signal, reference_balance(snapshot.signal, cost.signal, gains.signal));
        prop_assert_eq!(
            settled.balance_after.memory_shard,
            reference_balance(snapshot.memory_shard, cost.memory_shard, gains.memory_shard)
        );
        prop_assert_eq!(settled.credit, reference_credit(snapshot, cost, gains));
        prop_assert_eq!(settled.balance_after, balance_after(snapshot, cost, gains));
        prop_assert_eq!(settled.credit, credit(snapshot, cost, gains));
        prop_assert!(settled.holds_for(snapshot));
        prop_assert!(settled.balance_after.signal <= CURRENCY_MAX);
    }

    #[test]
    fn a_charge_then_a_refund_restores_the_economy(
        snapshot in amount(), cost in amount(), gains in amount(), charge in 0..=CURRENCY_MAX
    ) {
        let settled = EconomyOutput::settle(snapshot, cost, gains, false);
        let charged = settled.charge_signal(snapshot, charge);
        prop_assert!(charged.holds_for(snapshot));
        prop_assert_eq!(
            u64::from(charged.cost.signal),
            (u64::from(cost.signal) + u64::from(charge)).min(u64::from(CURRENCY_MAX))
        );
        let refunded = charged.refund_signal(snapshot, charge);
        prop_assert!(refunded.holds_for(snapshot));
        if u64::from(cost.signal) + u64::from(charge) <= u64::from(CURRENCY_MAX) {
            prop_assert_eq!(refunded, settled);
        }
    }
}

#[test]
fn the_edges_of_the_range() {
    let max = CurrencyAmount { signal: CURRENCY_MAX, memory_shard: CURRENCY_MAX };
    let zero = CurrencyAmount::ZERO;
    assert_eq!(balance_after(max, zero, max), max, "the balance stops at the ceiling");
    assert_eq!(balance_after(zero, max, zero), zero, "and at zero");
    assert_eq!(credit(zero, max, zero), u64::from(CURRENCY_MAX));
    let economy = EconomyOutput::settle(zero, zero, zero, false);
    assert_eq!(economy.refund_signal(zero, 10).cost, zero, "a refund never makes a cost negative");
}
