// The open-pipeline trial loop of `Simulation`, eight deals at a time with AVX-512.
//
// It computes exactly what the Swift lane loop (`TrialKernel.runOpenPipeline`) computes, draw for
// draw and rounding for rounding (no fused multiply-adds), for models whose stays are lognormal,
// exponential or Weibull; the Swift side decides when it applies and falls back to its own loop
// otherwise (gamma or piecewise stays, more than 16 stages, or no AVX-512).
#ifndef PIPECAST_CSIMULATIONKERNEL_H
#define PIPECAST_CSIMULATIONKERNEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One trial of the open pipeline: the model, the deals and where the totals go.
typedef struct {
  /// Stage table: `stages` rows of `stride` doubles (`StageRow` layout), families 0, 1 or 3.
  const double *table;
  long stride;
  long stages;
  /// Ziggurat layer tables (257 entries each): normal x, f; exponential x, f; and the base edges.
  const double *zx, *zf, *zxe, *zfe;
  double zr, zre;
  double horizon, lastDay, leverStart, cycleMultiplier, sizeMultiplier;
  const int32_t *periodOfDay;
  /// The open deals, as columns (`DealColumns`). Null columns are constant: groups
  /// `uniformGroup`, ramp shifts 0, time scales 1.
  long dealCount;
  const int32_t *dealStage, *dealRep, *dealGroup;
  int32_t uniformGroup;
  const double *dealAge, *dealLogAge, *dealRampShift, *dealTimeScale, *dealAmount;
  const double *repShift;
  /// Age-conditioned never-ending probabilities per deal (`neverEndingCount` may be 0).
  const double *neverEnding;
  long neverEndingCount;
  int32_t *dealWins;
  uint64_t trialKey;
  long trial;
  long periods, groups;
  double *bookings, *wonDeals, *fromOpen;
  double *groupBookings, *groupFromOpen;
  int32_t *groupWonDeals;
  long laneCount;
  long maxStaysPerDeal;
} PCOpenTrial;

/// Per-worker scratch lanes (structure of arrays).
typedef struct PCLanes PCLanes;

PCLanes *pc_lanes_create(long capacity);
void pc_lanes_destroy(PCLanes *lanes);

/// 1 when this processor runs the vector kernel (AVX-512 F and DQ), else 0.
int pc_vector_kernel_available(void);

/// Runs one trial; returns the stage stays simulated. Requires `pc_vector_kernel_available()`,
/// `stages` <= 16 and `laneCount` <= the lanes' capacity.
long pc_run_open_trial(const PCOpenTrial *trial, PCLanes *lanes);

#ifdef __cplusplus
}
#endif

#endif
