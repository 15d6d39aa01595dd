/*{"INPUTS":[{"NAME":"a","TYPE":"float","DEFAULT":0.5,"MIN":0,"MAX":1},{"NAME":"p","TYPE":"point2D","DEFAULT":[0.5,0.5]},{"NAME":"c","TYPE":"color","DEFAULT":[1,0,0,1]},{"NAME":"b","TYPE":"bool"},{"NAME":"e","TYPE":"event"},{"NAME":"l","TYPE":"long","VALUES":[0,1],"LABELS":["x","y"],"DEFAULT":1}]}*/
void main(){gl_FragColor=vec4(a);}
