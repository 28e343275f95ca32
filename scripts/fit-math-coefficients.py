# How the float32 polynomial coefficients in src/kernels/fused/wasm-math.ts were fitted
# (weighted least squares on Chebyshev nodes, then Lawson iterations toward minimax; mpmath
# for the reference values). Not part of the build: python3 with numpy and mpmath, run by hand.
import numpy as np
from mpmath import mp, mpf, exp, tanh, expm1
mp.dps=40
def fit(f, lo, hi, deg, npts=4000, weight=None):
    # least squares in relative sense on Chebyshev nodes, then a few Lawson iterations toward minimax
    t=np.cos(np.pi*(np.arange(npts)+0.5)/npts); x=(lo+hi)/2+(hi-lo)/2*t
    y=np.array([float(f(mpf(v))) for v in x])
    w=np.ones(npts) if weight is None else np.array([weight(v) for v in x])
    V=np.vander(x,deg+1,increasing=True)
    lw=np.ones(npts)
    for it in range(60):
        W=np.sqrt(lw)*w
        c=np.linalg.lstsq(V*W[:,None],y*W,rcond=None)[0]
        e=np.abs((V@c-y)*w); lw=lw*e; lw/=lw.sum()
    c32=np.float32(c).astype(np.float64)
    return c, np.max(np.abs((V@c-y)*w)), np.max(np.abs((V@c32-y)*w))
L=float(np.log(2)/2)
# exp: (exp(r)-1-r)/r^2, relative weight on exp(r): error on exp = r^2*err -> weight r^2/exp(r)
g=lambda r: (expm1(r)-r)/r**2 if r!=0 else mpf(0.5)
for d in (3,4,5):
    c,e,e32=fit(g,-L,L,d,weight=lambda r:r*r/np.exp(r)); print("exp",d,list(np.float32(c)),e,e32)
# expm1 relative: weight r^2/|expm1 r|
for d in (4,5):
    c,e,e32=fit(g,-L,L,d,weight=lambda r:r*r/abs(np.expm1(r)) if r!=0 else abs(r)); print("expm1",d,list(np.float32(c)),e,e32)
# tanh: (tanh(x)-x)/x^3 as poly in u=x^2 on [0,T^2]; weight x^3/tanh(x)
for T in (0.55,0.625):
  for d in (4,5,6):
    gg=lambda u: (tanh(mp.sqrt(u))-mp.sqrt(u))/mp.sqrt(u)**3 if u>0 else mpf(-1)/3
    c,e,e32=fit(gg,0,T*T,d,weight=lambda u: u**1.5/np.tanh(np.sqrt(u)) if u>0 else 0.0); print("tanh",T,d,list(np.float32(c)),e,e32)
print("----")
c,_,_=fit(g,-L,L,4,weight=lambda r:r*r/np.exp(r)); print("EXP", [float(np.float32(v)) for v in c])
gg=lambda u: (tanh(mp.sqrt(u))-mp.sqrt(u))/mp.sqrt(u)**3 if u>0 else mpf(-1)/3
c,_,_=fit(gg,0,0.625**2,4,weight=lambda u: u**1.5/np.tanh(np.sqrt(u)) if u>0 else 0.0); print("TANH", [float(np.float32(v)) for v in c])
