# R's forecast package (Debian r-cran-forecast) on tidecast's accuracy cases, scored exactly as
# tidecast's backtest scores them: the same rolling origins and horizon, the same MASE scale per
# origin (the in-sample MAE of seasonal naive at the period tidecast uses), point forecast = the
# model's mean. Written by `src/bench/rForecast.ts`, one case a folder entry:
#   <i>.csv   the series, one value a line
#   <i>.meta  line 1: the case's name; line 2: horizon, daily and weekly period (0 where two of them
#             do not fit before the first origin); then one line per origin: origin, scale, and
#             the seasonal-naive period tidecast scores against
# Prints one line per case and model: <i>,model,mase,seconds
# Usage: [TIDECAST_R_SKIP=tbats,croston] Rscript forecast_r.R DIR
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
for (meta in sort(list.files(dir, pattern = "\\.meta$", full.names = TRUE))) {
  id <- sub("\\.meta$", "", basename(meta))
  y <- scan(file.path(dir, paste0(id, ".csv")), quiet = TRUE)
  lines <- readLines(meta)
  head <- as.numeric(strsplit(lines[2], ",")[[1]])
  h <- head[1]; daily <- head[2]; weekly <- head[3]
  ori <- do.call(rbind, lapply(lines[c(-1, -2)], function(l) as.numeric(strsplit(l, ",")[[1]])))
  periods <- c(daily, weekly)[c(daily, weekly) > 1]
  # ets and ARIMA take one season of at most 24 (hourly data's day); finer steps: none
  f1 <- if (daily > 1 && daily <= 24) daily else 1
  m <- 1
  fits <- list(
    "snaive" = function(x) snaive(ts(x, frequency = m), h = h)$mean,
    "ets" = function(x) forecast(ets(ts(x, frequency = f1)), h = h)$mean,
    "auto.arima" = function(x) forecast(auto.arima(ts(x, frequency = f1)), h = h)$mean,
    "stlf" = if (length(periods) > 0) function(x) stlf(msts(x, seasonal.periods = periods), h = h)$mean else NULL,
    "tbats" = if (f1 > 1) function(x) forecast(tbats(msts(x, seasonal.periods = periods), use.parallel = FALSE), h = h)$mean else NULL,
    "croston" = function(x) croston(x, h = h)$mean
  )
  # croston is an R loop: 2.5 s a fit on 432 steps here, so ~100 s on 2 weeks of minutes (× 12
  # origins); skipped (printed as SKIP) on series longer than 5,000 steps
  if (length(y) > 5000) { cat(sprintf("%s,croston,SKIP,0\n", id)); fits[["croston"]] <- NULL }
  # TIDECAST_R_SKIP: comma-separated models left out (tbats: ~20 s a fit on 3 weeks hourly)
  for (name in strsplit(Sys.getenv("TIDECAST_R_SKIP"), ",")[[1]]) fits[[name]] <- NULL
  for (name in names(fits)) {
    f <- fits[[name]]
    if (is.null(f)) next
    t0 <- proc.time()[["elapsed"]]
    err <- 0; n <- 0; ok <- TRUE
    for (k in seq_len(nrow(ori))) {
      o <- ori[k, 1]; scale <- ori[k, 2]; m <- ori[k, 3]
      p <- tryCatch(as.numeric(f(y[1:o])), error = function(e) NULL)
      if (is.null(p)) { ok <- FALSE; break }
      for (j in seq_len(h)) {
        if (o + j > length(y)) break
        err <- err + abs(y[o + j] - p[j]) / scale
        n <- n + 1
      }
    }
    secs <- proc.time()[["elapsed"]] - t0
    cat(sprintf("%s,%s,%s,%.2f\n", id, name, if (ok) sprintf("%.4f", err / n) else "NA", secs))
    # progress on stderr as each model ends (stdout is read only when R exits), so a slow model
    # can be named while the run is still going
    message(sprintf("R: %s %s %.1f s (%d origins)", lines[1], name, secs, nrow(ori)))
  }
}
