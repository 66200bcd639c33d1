//! The report: quality per page kind and variant, cost per image size, a verdict per target,
//! as a Markdown section that replaces its own earlier version in the report file.

use std::fmt::Write as _;
use std::path::Path;

use crate::groundtruth::{Page, Spec};
use crate::{Outcome, Row};

const START: &str = "<!-- cutout:start -->";
const END: &str = "<!-- cutout:end -->";

/// The quality rows: each page kind clean, then the harder variants over all kinds.
fn group_of(spec: &Spec) -> &'static str {
    match (spec.shadow, spec.jpeg) {
        (false, false) => spec.page.name(),
        (false, true) => "JPEG q75",
        (true, false) => "shadow",
        (true, true) => "shadow + JPEG q75",
    }
}

/// The IoU each quality row must reach.
fn iou_target(group: &str) -> f64 {
    if Page::ALL.iter().any(|page| page.name() == group) { 0.98 } else { 0.95 }
}

#[derive(Default, Clone, Copy)]
struct Totals {
    images: usize,
    iou: f64,
    alpha_error: f64,
    edge_error: f64,
    holes: usize,
    holes_removed: usize,
}

impl Totals {
    fn add(&mut self, outcome: &Outcome) {
        self.images += 1;
        self.iou += outcome.score.iou;
        self.alpha_error += outcome.score.alpha_error;
        self.edge_error += outcome.score.edge_error;
        self.holes += outcome.score.holes;
        self.holes_removed += outcome.score.holes_removed;
    }

    fn iou(&self) -> f64 {
        self.iou / self.images.max(1) as f64
    }

    fn alpha_error(&self) -> f64 {
        self.alpha_error / self.images.max(1) as f64
    }

    fn edge_error(&self) -> f64 {
        self.edge_error / self.images.max(1) as f64
    }

    fn holes_share(&self) -> f64 {
        if self.holes == 0 { 1.0 } else { self.holes_removed as f64 / self.holes as f64 }
    }
}

fn totals(rows: &[Row], keep: impl Fn(&Row) -> bool) -> (Totals, Totals) {
    let (mut today, mut new) = (Totals::default(), Totals::default());
    for row in rows.iter().filter(|row| keep(row)) {
        today.add(&row.today);
        new.add(&row.new);
    }
    (today, new)
}

/// The Markdown section for these results.
pub fn section(rows: &[Row], per_variant: usize) -> String {
    let mut groups: Vec<&str> = Page::ALL.iter().map(|page| page.name()).collect();
    groups.extend(["JPEG q75", "shadow", "shadow + JPEG q75"]);
    let mut out = String::new();
    let _ = writeln!(out, "{START}");
    let _ = writeln!(out, "## Background removal on a generated ground-truth set\n");
    let _ = writeln!(
        out,
        "{} images ({per_variant} per page kind and variant; 1024² and 512² alternately), generated at run time \
         by `make bench-cutout` (`crates/orchestrator/examples/cutout_bench/`). *today* is the flood fill \
         from the dominant border colour; *new* is `orchestrator::testing::remove_background`. \
         Release build, one thread. {}\n",
        rows.len(),
        provenance()
    );
    let _ = writeln!(
        out,
        "| images | n | IoU today | IoU new | target | alpha error today | new | edge-band error today | new | holes removed today | new |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|");
    let mut verdicts = Vec::new();
    for group in &groups {
        let (today, new) = totals(rows, |row| group_of(&row.spec) == *group);
        let target = iou_target(group);
        let _ = writeln!(out, "{}", table_row(group, &today, &new, &format!("≥ {target}")));
        verdicts.push(verdict(&format!("IoU {group}"), new.iou(), target, new.iou() >= target, 4));
    }
    let (today, new) = totals(rows, |_| true);
    let _ = writeln!(out, "{}", table_row("**all**", &today, &new, ""));
    let edge_target = today.edge_error() / 2.0;
    verdicts.push(verdict(
        "edge-band error ≤ half of today's",
        new.edge_error(),
        edge_target,
        new.edge_error() <= edge_target,
        4,
    ));
    verdicts.push(verdict("holes removed", new.holes_share(), 0.95, new.holes_share() >= 0.95, 3));

    let _ = writeln!(
        out,
        "\nCost per image (CPU time of the one thread; peak resident memory above the level before the call, \
         against the RGBA image of 4 bytes a pixel):\n"
    );
    let _ = writeln!(
        out,
        "| size | cut-out | CPU ms mean | p95 | max | wall ms mean | peak memory max (MB) | × RGBA image |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for side in [1024u32, 512] {
        for (name, pick) in [("today", pick_today as fn(&Row) -> &Outcome), ("new", pick_new)] {
            let mut cpu: Vec<f64> = rows.iter().filter(|r| r.spec.side == side).map(|r| pick(r).cost.cpu_ms).collect();
            if cpu.is_empty() {
                continue;
            }
            cpu.sort_by(f64::total_cmp);
            let wall = rows.iter().filter(|r| r.spec.side == side).map(|r| pick(r).cost.wall_ms).sum::<f64>()
                / cpu.len() as f64;
            let peak = rows.iter().filter(|r| r.spec.side == side).map(|r| pick(r).cost.peak_bytes).max().unwrap_or(0);
            let mean = cpu.iter().sum::<f64>() / cpu.len() as f64;
            let p95 = cpu[((cpu.len() as f64 * 0.95).ceil() as usize).clamp(1, cpu.len()) - 1];
            let image_bytes = f64::from(side) * f64::from(side) * 4.0;
            let _ = writeln!(
                out,
                "| {side}² | {name} | {mean:.1} | {p95:.1} | {:.1} | {wall:.1} | {:.1} | {:.2} |",
                cpu[cpu.len() - 1],
                peak as f64 / 1e6,
                peak as f64 / image_bytes
            );
            if side == 1024 && name == "new" {
                verdicts.push(verdict("CPU ms per 1024² image (mean)", mean, 40.0, mean <= 40.0, 1));
            }
        }
    }
    let _ = writeln!(out, "\nTargets (new cut-out):\n");
    for line in verdicts {
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(out, "{END}");
    out
}

fn pick_today(row: &Row) -> &Outcome {
    &row.today
}

fn pick_new(row: &Row) -> &Outcome {
    &row.new
}

fn table_row(name: &str, today: &Totals, new: &Totals, target: &str) -> String {
    format!(
        "| {name} | {} | {:.4} | {:.4} | {target} | {:.4} | {:.4} | {:.4} | {:.4} | {}/{} | {}/{} |",
        new.images,
        today.iou(),
        new.iou(),
        today.alpha_error(),
        new.alpha_error(),
        today.edge_error(),
        new.edge_error(),
        today.holes_removed,
        today.holes,
        new.holes_removed,
        new.holes,
    )
}

fn verdict(name: &str, value: f64, target: f64, met: bool, digits: usize) -> String {
    let word = if met { "met" } else { "**missed**" };
    format!("{name}: {value:.digits$} against {target:.digits$}: {word}")
}

/// Commit, date and machine, so a figure can be traced to what produced it.
fn provenance() -> String {
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    format!("Commit `{commit}`, Unix time {seconds}, {cores} cores shared with other work.")
}

/// Replaces the section between the markers in `path`, or appends it; the rest stays.
pub fn write_into(path: &Path, section: &str) -> std::io::Result<()> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let updated = match (current.find(START), current.find(END)) {
        (Some(start), Some(end)) if end > start => {
            format!("{}{}{}", &current[..start], section.trim_end(), &current[end + END.len()..])
        }
        _ if current.is_empty() => section.to_owned(),
        _ => format!("{}\n\n{}", current.trim_end(), section),
    };
    std::fs::write(path, updated)
}
