# R side of bench/niche: times ade4 on the data node generated (same data, same run).
# Usage: Rscript ade4_timing.R <dir with env.csv, Y.csv, factor.csv> <rtest nrepet> <out.csv>
# Steps and code follow shared/reference/niche/timing_niche.R.
suppressPackageStartupMessages(library(ade4))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; nrepet <- as.integer(args[2]); out <- args[3]
env <- read.csv(file.path(dir, "env.csv"))
Y <- read.csv(file.path(dir, "Y.csv"))
fact <- factor(read.csv(file.path(dir, "factor.csv"))$factor)

med_time <- function(expr, reps = 3) {
  e <- substitute(expr); pf <- parent.frame()
  tt <- replicate(reps, system.time(eval(e, pf))[["elapsed"]])
  c(median = median(tt), reps = reps)
}
res <- list()
res$pca <- med_time(dudi1 <- dudi.pca(env, scannf = FALSE, nf = 3))
res$omi <- med_time(nic1 <- niche(dudi1, Y, scannf = FALSE, nf = 2))
res$niche_param <- med_time(np <- niche.param(nic1))
P <- sweep(as.matrix(Y), 2, colSums(Y), "/")
Z <- as.matrix(dudi1$tab); ls <- as.matrix(nic1$ls)
par1 <- function(Pl, Zl) t(apply(Pl, 2, function(f) {
  m <- colSums(f * Zl); D <- sweep(Zl, 2, m); u <- m / sqrt(sum(m^2)); zz <- D %*% u
  c(sum(f * Zl * Zl), sum(m^2), sum(f * zz^2), sum(f * D * D) - sum(f * zz^2)) }))
res$witomi_20_subsets <- med_time({
  for (l in levels(fact)) {
    i <- which(fact == l); Yl <- as.matrix(Y[i, ]); Pl <- sweep(Yl, 2, colSums(Yl), "/")
    sub <- t(Pl) %*% ls[i, ]; a <- par1(Pl, Z[i, ]); b <- par1(Pl, sweep(Z[i, ], 2, colMeans(Z[i, ])))
  } }, reps = 1)
res$permutation_test <- med_time({ set.seed(1); rt <- rtest(nic1, nrepet) }, reps = 1)
res$responses <- med_time({ M <- t(P) %*% as.matrix(env); V <- t(P) %*% as.matrix(env)^2 - M^2 })
tab <- data.frame(step = names(res), do.call(rbind, res), row.names = NULL)
tab$nrepet <- nrepet
write.csv(tab, out, row.names = FALSE)
# numbers to check that both sides analysed the same data
chk <- data.frame(check = c("sum_niche_eig", "sum_OMI", "sum_Tol", "mean_OMI_expectation"),
                  value = c(sum(nic1$eig), sum(np[, "OMI"]), sum(np[, "Tol"]), rt$expvar[ncol(Y) + 1, 2]))
write.csv(chk, sub("\\.csv$", "_checks.csv", out), row.names = FALSE)
cat(R.version.string, "; ade4", as.character(packageVersion("ade4")), "; BLAS", extSoftVersion()[["BLAS"]], "\n")
