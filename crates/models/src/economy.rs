//! The economy invariant, in saturating arithmetic so no input can overflow or go negative.
//!
//! Per currency: `balance_after = max(0, snapshot - cost + gains)` and
//! `credit = max(0, cost.signal - snapshot.signal - gains.signal)`.

use crate::output::EconomyOutput;
use crate::values::CurrencyAmount;

/// The balance left after paying `cost` and receiving `gains`, per currency, never negative and
/// never above the contract's ceiling.
pub fn balance_after(snapshot: CurrencyAmount, cost: CurrencyAmount, gains: CurrencyAmount) -> CurrencyAmount {
    let settle = |have: u32, pay: u32, get: u32| (u64::from(have) + u64::from(get)).saturating_sub(u64::from(pay));
    CurrencyAmount::new(
        settle(snapshot.signal, cost.signal, gains.signal),
        settle(snapshot.memory_shard, cost.memory_shard, gains.memory_shard),
    )
}

/// How much Signal the turn costs beyond what the player had and gained.
pub fn credit(snapshot: CurrencyAmount, cost: CurrencyAmount, gains: CurrencyAmount) -> u64 {
    u64::from(cost.signal).saturating_sub(u64::from(snapshot.signal) + u64::from(gains.signal))
}

impl EconomyOutput {
    /// An economy whose derived fields follow the invariant for this snapshot.
    pub fn settle(
        snapshot: CurrencyAmount,
        cost: CurrencyAmount,
        gains: CurrencyAmount,
        low_balance_warning: bool,
    ) -> Self {
        EconomyOutput {
            cost,
            gains,
            balance_after: balance_after(snapshot, cost, gains),
            credit: credit(snapshot, cost, gains),
            low_balance_warning,
        }
    }

    /// The same economy with `extra` Signal added to the cost (an image charge), re-settled.
    pub fn charge_signal(&self, snapshot: CurrencyAmount, extra: u32) -> Self {
        let cost =
            CurrencyAmount::new(u64::from(self.cost.signal) + u64::from(extra), u64::from(self.cost.memory_shard));
        Self::settle(snapshot, cost, self.gains, self.low_balance_warning)
    }

    /// The same economy with `amount` Signal taken back off the cost (a refund), re-settled.
    pub fn refund_signal(&self, snapshot: CurrencyAmount, amount: u32) -> Self {
        let cost =
            CurrencyAmount::new(u64::from(self.cost.signal.saturating_sub(amount)), u64::from(self.cost.memory_shard));
        Self::settle(snapshot, cost, self.gains, self.low_balance_warning)
    }

    /// True when the derived fields agree with the invariant for this snapshot.
    pub fn holds_for(&self, snapshot: CurrencyAmount) -> bool {
        self.balance_after == balance_after(snapshot, self.cost, self.gains)
            && self.credit == credit(snapshot, self.cost, self.gains)
    }
}
