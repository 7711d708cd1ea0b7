"""scikit-learn baseline for bench/Llm.Bench.Finetune: same data, same stratified 25% split (seed 0).

Prints one JSON object: accuracy and fit time per task, and the test-row indices of each split so the
C# bench evaluates on exactly the same rows.
"""
import json, sys, time, warnings
import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
out = {"sklearn": __import__("sklearn").__version__}

def split(n, y):
    idx = np.arange(n)
    tr, te = train_test_split(idx, test_size=0.25, stratify=y, random_state=0)
    return tr, te

def fit(name, model, X, y, tr, te):
    start = time.perf_counter()
    model.fit(X[tr], y[tr])
    seconds = time.perf_counter() - start
    out[name] = {"accuracy": float(model.score(X[te], y[te])), "seconds": seconds}

X, y = load_breast_cancer(return_X_y=True)
tr, te = split(len(y), y)
out["breast_cancer_test"] = te.tolist()
scaler = StandardScaler().fit(X[tr])
Xs = scaler.transform(X)
fit("breast_cancer_logistic", LogisticRegression(max_iter=1000), Xs, y, tr, te)
fit("breast_cancer_mlp32", MLPClassifier((32,), max_iter=500, random_state=0), Xs, y, tr, te)

X, y = load_digits(return_X_y=True)
X = X / 16.0
tr, te = split(len(y), y)
out["digits_test"] = te.tolist()
fit("digits_softmax", LogisticRegression(max_iter=1000), X, y, tr, te)
fit("digits_mlp64", MLPClassifier((64,), random_state=0), X, y, tr, te)

if "--no-synthetic" not in sys.argv:
    X, y = make_classification(100_000, 64, n_informative=32, n_classes=4, random_state=0)
    m = MLPClassifier((128,), solver="adam", batch_size=256, max_iter=10, random_state=0)
    start = time.perf_counter()
    m.fit(X, y)
    out["synthetic_mlp128"] = {"accuracy": float(m.score(X, y)), "seconds": time.perf_counter() - start}

json.dump(out, sys.stdout)
