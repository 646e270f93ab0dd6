import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.eval.*;
import org.bitsieve.embed.*;
import java.nio.file.*;
import java.util.*;
/**
 * Can a witq code predict its own correction factor cos(x, decoded code) (RaBitQ's per-vector factor) without storing
 * it? Ridge regression of the factor on [1, |decoded|, the code's +-1 bits], fitted on train splits, R^2 on IMDB test,
 * then STS-B (dev by default) with the current score, the exact factor (oracle) and the predicted one.
 * Usage: java -Dsplit=dev|test FactorPred ENCODER.bse mr,sst2,trec,banking77,subj,cr,emotion
 */
public class FactorPred {
  static double dot(float[] a, float[] b){double s=0;for(int i=0;i<a.length;i++)s+=a[i]*b[i];return s;}
  // features: 1, |xhat|, s_1..s_b
  static double[] feat(PackedCodes c, int i, double norm){ int b=c.bits(); double[] f=new double[b+2]; f[0]=1; f[1]=norm; for(int j=0;j<b;j++) f[j+2]=c.bit(i,j)?1:-1; return f; }
  public static void main(String[] a) throws Exception {
    Path sh = Path.of(System.getProperty("shared", "../shared"));
    Encoder e = EncoderFiles.load(Path.of(a[0])); int b=e.bits(), p=b+2;
    List<FloatMatrix> fit = new ArrayList<>();
    for (String ds : a[1].split(",")) fit.add(Npy.read(sh.resolve("embeddings/all-minilm-l6-v2/"+ds+"/train.npy")));
    double[][] XtX = new double[p][p]; double[] Xty = new double[p]; int n=0; double sy=0, syy=0;
    for (FloatMatrix X : fit) { PackedCodes c = e.encodeAll(X); float[][] h = Sts.decode(e,c);
      for (int i=0;i<X.rows();i++){ double nn=Math.sqrt(dot(h[i],h[i])); double y=dot(X.row(i),h[i])/nn/Math.sqrt(dot(X.row(i),X.row(i))); double[] f=feat(c,i,nn);
        for(int u=0;u<p;u++){ Xty[u]+=f[u]*y; for(int v=0;v<p;v++) XtX[u][v]+=f[u]*f[v]; } n++; sy+=y; syy+=y*y; } }
    for (int u=2;u<p;u++) XtX[u][u]+=Double.parseDouble(System.getProperty("ridge","10"));
    double[] w = solve(XtX, Xty);
    // held-out R^2 on imdb test (first 5000)
    FloatMatrix T = Npy.read(sh.resolve("embeddings/all-minilm-l6-v2/imdb/test.npy"));
    PackedCodes tc = e.encodeAll(T); float[][] th = Sts.decode(e, tc); double ss=0, sr=0, m=0; int nt=5000; double[] ys=new double[nt];
    for(int i=0;i<nt;i++){ double nn=Math.sqrt(dot(th[i],th[i])); ys[i]=dot(T.row(i),th[i])/nn; m+=ys[i]; } m/=nt;
    for(int i=0;i<nt;i++){ double nn=Math.sqrt(dot(th[i],th[i])); double[] f=feat(tc,i,nn); double pr=0; for(int u=0;u<p;u++) pr+=w[u]*f[u]; sr+=(ys[i]-pr)*(ys[i]-pr); ss+=(ys[i]-m)*(ys[i]-m); }
    System.out.printf("fit n=%d mean f %.4f sd %.4f; imdb-test R2 %.3f%n", n, sy/n, Math.sqrt(syy/n-(sy/n)*(sy/n)), 1-sr/ss);
    String split = System.getProperty("split","dev");
    StsPairs sp = StsPairs.load(sh, "all-minilm-l6-v2", split); FloatMatrix A = sp.a(), B = sp.b(); double[] gold = sp.gold(); int N=gold.length;
    PackedCodes ca=e.encodeAll(A), cb=e.encodeAll(B); float[][] ha=Sts.decode(e,ca), hb=Sts.decode(e,cb);
    double[] fl=new double[N], cur=new double[N], orc=new double[N], prd=new double[N], nrm=new double[N];
    for(int i=0;i<N;i++){ double na=Math.sqrt(dot(ha[i],ha[i])), nb=Math.sqrt(dot(hb[i],hb[i]));
      double fa=dot(A.row(i),ha[i])/na, fb=dot(B.row(i),hb[i])/nb;
      double pa=0,pb=0; double[] ga=feat(ca,i,na), gb=feat(cb,i,nb); for(int u=0;u<p;u++){pa+=w[u]*ga[u]; pb+=w[u]*gb[u];}
      double qa=w[0]+w[1]*na, qb=w[0]+w[1]*nb;
      fl[i]=dot(A.row(i),B.row(i)); double xa=dot(A.row(i),hb[i])/nb, xb=dot(B.row(i),ha[i])/na;
      cur[i]=(xa+xb)/2; orc[i]=(xa/fb+xb/fa)/2; prd[i]=(xa/pb+xb/pa)/2; }
    System.out.printf("STS-B %s: float %.2f cur %.2f oracle %.2f code-predicted %.2f%n", split, 100*Metrics.spearman(fl,gold), 100*Metrics.spearman(cur,gold), 100*Metrics.spearman(orc,gold), 100*Metrics.spearman(prd,gold));
  }
  static double[] solve(double[][] A0, double[] b0){ int n=b0.length; double[][] A=new double[n][]; for(int i=0;i<n;i++)A[i]=A0[i].clone(); double[] b=b0.clone();
    for(int k=0;k<n;k++){ int piv=k; for(int i=k+1;i<n;i++) if(Math.abs(A[i][k])>Math.abs(A[piv][k])) piv=i; double[] t=A[k];A[k]=A[piv];A[piv]=t; double tb=b[k];b[k]=b[piv];b[piv]=tb;
      for(int i=k+1;i<n;i++){ double r=A[i][k]/A[k][k]; for(int j=k;j<n;j++) A[i][j]-=r*A[k][j]; b[i]-=r*b[k]; } }
    double[] x=new double[n]; for(int k=n-1;k>=0;k--){ double s=b[k]; for(int j=k+1;j<n;j++) s-=A[k][j]*x[j]; x[k]=s/A[k][k]; } return x; }
}
