# R side of bench/template: the OMI template's analysis with ade4 on the tables node paired (same run).
# Usage: Rscript omi.R <dir with env.csv and Y.csv> <rtest nrepet>
# Prints one JSON line: the seconds of reading + dudi.pca + niche + rtest + niche.param, and sum(OMI) to check
# that both sides analysed the same tables.
suppressPackageStartupMessages(library(ade4))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; nrepet <- as.integer(args[2])
t0 <- proc.time()[["elapsed"]]
env <- read.csv(file.path(dir, "env.csv"), check.names = FALSE)
Y <- read.csv(file.path(dir, "Y.csv"), check.names = FALSE)
pca <- dudi.pca(env, scannf = FALSE, nf = ncol(env))
nic <- niche(pca, Y, scannf = FALSE, nf = 2)
set.seed(1)
rt <- rtest(nic, nrepet)
np <- niche.param(nic)
seconds <- proc.time()[["elapsed"]] - t0
cat(sprintf('{"seconds": %.4f, "sumOMI": %.12g, "ade4": "%s"}\n', seconds, sum(np[, "OMI"]),
            as.character(packageVersion("ade4"))))
